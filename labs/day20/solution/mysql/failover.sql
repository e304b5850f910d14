-- On the replica (MySQL 8.4 words), once the source is dead and the replica applied all it
-- received: forget the source and take writes.
STOP REPLICA;
RESET REPLICA ALL;
SET GLOBAL super_read_only = OFF;
SET GLOBAL read_only = OFF;
