package dev.claudesse.store;

import dev.claudesse.testsupport.PostgresServer;

import javax.sql.DataSource;

class MigrationsPostgresIT extends MigrationsContract {

    @Override
    DataSource freshDatabase() throws Exception {
        PostgresServer server = PostgresServer.shared();
        return server.dataSource(server.createDatabase());
    }
}
