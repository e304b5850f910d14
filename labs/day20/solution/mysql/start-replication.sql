-- On the replica (MySQL 8.4 words): start the IO and SQL threads.
START REPLICA;
