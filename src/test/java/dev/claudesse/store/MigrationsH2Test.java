package dev.claudesse.store;

import javax.sql.DataSource;

class MigrationsH2Test extends MigrationsContract {

    @Override
    DataSource freshDatabase() {
        return JdbcConversationStoreH2Test.h2InMemory();
    }
}
