package dev.claudesse.deploy;

import dev.claudesse.testsupport.AppServer;
import dev.claudesse.testsupport.Distributions;
import dev.claudesse.testsupport.JettyServer;

import java.util.List;
import java.util.Map;

/** The WAR on the real Eclipse Jetty 12 distribution (ee10), configured by conf/jetty/claude-sse.xml. */
class JettyDistributionIT extends DeployedWarContract {

    @Override
    AppServer startServer(Map<String, String> env, Map<String, String> properties) throws Exception {
        return JettyServer.start("jetty", env, properties, List.of(Distributions.postgresDriverJar()));
    }

    @Override
    String jndiName() {
        return "jdbc/claude";
    }
}
