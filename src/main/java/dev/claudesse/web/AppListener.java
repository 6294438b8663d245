package dev.claudesse.web;

import dev.claudesse.config.Settings;
import dev.claudesse.config.SettingsSource;
import dev.claudesse.store.ConversationStore;
import dev.claudesse.store.StoreFactory;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.logging.Logger;

/** Builds the App when the webapp starts and shuts it down when the webapp stops. */
public final class AppListener implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(AppListener.class.getName());

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Settings settings = Settings.load(new SettingsSource(context::getInitParameter));
        ConversationStore store = openStore(settings, context.getContextPath());
        try {
            App app = new App(settings, store);
            context.setAttribute(App.ATTRIBUTE, app);
            LOG.info("claude-sse started: upstream " + app.upstreamKind() + ", " + settings + ", " + app.budgets);
        } catch (IOException e) {
            store.close();
            throw new UncheckedIOException("claude-sse could not start: " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            store.close();
            LOG.severe("claude-sse could not start: " + e.getMessage());
            throw new IllegalStateException("claude-sse could not start: " + e.getMessage(), e);
        }
    }

    /** The JNDI DataSource or the embedded H2 file (StoreFactory logs which); no store, no start. */
    private static ConversationStore openStore(Settings settings, String contextPath) {
        try {
            return StoreFactory.open(settings.source()::get, contextPath);
        } catch (SQLException e) {
            throw new IllegalStateException("claude-sse could not open its database: " + e.getMessage(), e);
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        App app = App.from(event.getServletContext());
        if (app != null) {
            app.shutdown();
        }
    }
}
