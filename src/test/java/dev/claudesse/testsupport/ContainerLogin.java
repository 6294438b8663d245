package dev.claudesse.testsupport;

import org.apache.catalina.Context;
import org.apache.catalina.authenticator.BasicAuthenticator;
import org.apache.catalina.realm.MemoryRealm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.function.Consumer;

/**
 * Container users for the embedded Tomcat, set up as docs/usage.md tells an operator of a Tomcat to: users and
 * roles in a tomcat-users.xml (here read by a MemoryRealm; a Tomcat reads conf/tomcat-users.xml through the
 * UserDatabaseRealm of its server.xml), the BASIC authenticator as a valve of the webapp's context, and, when
 * chat users sign in too, preemptiveAuthentication on the context. No security constraint: nobody is asked to
 * log in unless the app asks (api/usage?signin); a browser that has signed in sends its credentials along.
 */
public final class ContainerLogin {

    /** A user of tomcat-users.xml: password and comma list of roles (empty: none). */
    public record User(String name, String password, String roles) {
    }

    private ContainerLogin() {
    }

    /**
     * Writes dir/tomcat-users.xml with the users and returns what configures the context with it; preemptive:
     * whether Tomcat checks credentials sent to any URL (without it only api/usage, which asks, sees them).
     */
    public static Consumer<Context> basic(Path dir, boolean preemptive, User... users) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tomcat-users>\n");
        xml.append("  <role rolename=\"claude-sse-admin\"/>\n");
        for (User user : users) {
            xml.append("  <user username=\"").append(user.name()).append("\" password=\"").append(user.password())
                    .append("\" roles=\"").append(user.roles()).append("\"/>\n");
        }
        xml.append("</tomcat-users>\n");
        Path file = dir.resolve("tomcat-users.xml").toAbsolutePath();
        try {
            Files.writeString(file, xml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return context -> {
            MemoryRealm realm = new MemoryRealm();
            realm.setPathname(file.toString());
            context.setRealm(realm);
            context.getPipeline().addValve(new BasicAuthenticator());
            // credentials a browser sends to any URL are checked, so signed-in chat users are "user:<name>"
            context.setPreemptiveAuthentication(preemptive);
        };
    }

    /** The Authorization header of HTTP Basic for the user. */
    public static String basicHeader(String name, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
