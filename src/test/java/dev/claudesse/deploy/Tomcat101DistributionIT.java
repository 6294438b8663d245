package dev.claudesse.deploy;

import dev.claudesse.testsupport.AppServer;
import dev.claudesse.testsupport.Distributions;
import dev.claudesse.testsupport.TomcatServer;

import java.util.List;
import java.util.Map;

/** The same WAR and conf/tomcat/context.xml on Tomcat 10.1, the older line with Servlet 6.0. */
class Tomcat101DistributionIT extends DeployedWarContract {

    @Override
    AppServer startServer(Map<String, String> env, Map<String, String> properties) throws Exception {
        return TomcatServer.start(Distributions.tomcat101Home(), "tomcat101", env, properties,
                List.of(Distributions.postgresDriverJar()));
    }

    @Override
    String jndiName() {
        return "java:comp/env/jdbc/claude";
    }
}
