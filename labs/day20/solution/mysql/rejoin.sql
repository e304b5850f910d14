-- On the old source (MySQL 8.4 words): replicate from the promoted replica by GTID
-- (both servers run with gtid_mode=ON and enforce_gtid_consistency=ON).
STOP REPLICA;
CHANGE REPLICATION SOURCE TO
  SOURCE_HOST = 'slave',
  SOURCE_PORT = 3306,
  SOURCE_USER = 'replica',
  SOURCE_PASSWORD = 'replica-pass',
  SOURCE_AUTO_POSITION = 1,
  GET_SOURCE_PUBLIC_KEY = 1;
START REPLICA;
