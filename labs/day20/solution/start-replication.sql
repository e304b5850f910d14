-- On the slave: start the IO and SQL threads.
START SLAVE;
