-- On the promoted slave: the account the old master logs in with. The master's own account
-- was created before the slave's starting coordinates, so it never replicated here.
CREATE USER IF NOT EXISTS 'replica'@'%' IDENTIFIED BY 'replica-pass';
GRANT REPLICATION SLAVE ON *.* TO 'replica'@'%';
