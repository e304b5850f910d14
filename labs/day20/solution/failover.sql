-- On the slave, once the master is dead and the slave applied all it received: forget the
-- master and take writes.
STOP SLAVE;
RESET SLAVE ALL;
SET GLOBAL read_only = OFF;
