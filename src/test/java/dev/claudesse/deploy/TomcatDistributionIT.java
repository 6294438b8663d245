package dev.claudesse.deploy;

import dev.claudesse.testsupport.AppServer;
import dev.claudesse.testsupport.Distributions;
import dev.claudesse.testsupport.TomcatServer;

import java.util.List;
import java.util.Map;

/** The WAR on the real Apache Tomcat distribution, configured by conf/tomcat/context.xml. */
class TomcatDistributionIT extends DeployedWarContract {

    @Override
    AppServer startServer(Map<String, String> env, Map<String, String> properties) throws Exception {
        return TomcatServer.start("tomcat", env, properties, List.of(Distributions.postgresDriverJar()));
    }

    @Override
    String jndiName() {
        return "java:comp/env/jdbc/claude";
    }
}
