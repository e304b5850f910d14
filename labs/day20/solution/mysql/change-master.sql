-- On the replica (MySQL 8.4 words): point it at the source, from where the source's binary
-- log ends right now. The account uses caching_sha2_password: ask for the source's key.
STOP REPLICA;
CHANGE REPLICATION SOURCE TO
  SOURCE_HOST = 'master',
  SOURCE_PORT = 3306,
  SOURCE_USER = 'replica',
  SOURCE_PASSWORD = 'replica-pass',
  SOURCE_LOG_FILE = '{{master.log_file}}',
  SOURCE_LOG_POS = {{master.log_pos}},
  GET_SOURCE_PUBLIC_KEY = 1;
