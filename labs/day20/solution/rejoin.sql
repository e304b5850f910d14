-- On the old master: replicate from the promoted slave, from where the old master's own
-- GTIDs say it stopped (current_pos: it was a master, so its own binary log counts).
STOP SLAVE;
CHANGE MASTER TO
  MASTER_HOST = 'slave',
  MASTER_PORT = 3306,
  MASTER_USER = 'replica',
  MASTER_PASSWORD = 'replica-pass',
  MASTER_USE_GTID = current_pos;
START SLAVE;
