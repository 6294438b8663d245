package dev.claudesse.store;

import dev.claudesse.testsupport.PostgresServer;

import javax.sql.DataSource;

/** The store's contract on a real PostgreSQL server (one database per test). */
class JdbcConversationStorePostgresIT extends ConversationStoreContract {

    @Override
    DataSource freshDatabase() throws Exception {
        PostgresServer server = PostgresServer.shared();
        return server.dataSource(server.createDatabase());
    }
}
