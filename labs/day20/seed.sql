-- Applied to every server of a fresh lab with sql_log_bin=0, like a replica restored from
-- a backup: both servers hold the same data before replication starts.

CREATE DATABASE IF NOT EXISTS shop;
CREATE TABLE IF NOT EXISTS shop.customers (
  id INT AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  email VARCHAR(200) NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- The application's own account; it never connects as root.
CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED BY 'shop-app-pw';
GRANT SELECT, INSERT, UPDATE, DELETE ON shop.* TO 'app'@'%';

-- The lab's own schema: the grader writes a canary row here to watch replication.
CREATE DATABASE IF NOT EXISTS sqlcourse_lab;
CREATE TABLE IF NOT EXISTS sqlcourse_lab.canary (
  id INT PRIMARY KEY,
  token VARCHAR(64) NOT NULL,
  written_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
);
-- The canary's row exists on every server from the start, so each check is an UPDATE that
-- replays cleanly in any binlog format, even if the slave re-reads old events.
INSERT IGNORE INTO sqlcourse_lab.canary (id, token) VALUES (1, 'seed');
