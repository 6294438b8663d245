package dev.claudesse.store;

import org.h2.jdbcx.JdbcDataSource;

import javax.sql.DataSource;
import java.util.UUID;

/** The store's contract on an in-memory H2 database (the default store uses an H2 file). */
class JdbcConversationStoreH2Test extends ConversationStoreContract {

    @Override
    DataSource freshDatabase() {
        return h2InMemory();
    }

    /** A private in-memory database that lives until the JVM ends. */
    static DataSource h2InMemory() {
        JdbcDataSource source = new JdbcDataSource();
        source.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return source;
    }
}
