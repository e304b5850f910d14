-- On the master: an account the slave's IO thread logs in with, from any address.
CREATE USER IF NOT EXISTS 'replica'@'%' IDENTIFIED BY 'replica-pass';
GRANT REPLICATION SLAVE ON *.* TO 'replica'@'%';
