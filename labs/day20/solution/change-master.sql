-- On the slave: point it at the master, from where the master's binary log ends right now.
STOP SLAVE;
CHANGE MASTER TO
  MASTER_HOST = 'master',
  MASTER_PORT = 3306,
  MASTER_USER = 'replica',
  MASTER_PASSWORD = 'replica-pass',
  MASTER_LOG_FILE = '{{master.log_file}}',
  MASTER_LOG_POS = {{master.log_pos}};
