package dev.claudesse.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudesse.budget.BudgetSettings;
import dev.claudesse.budget.Budgets;
import dev.claudesse.claude.DemoUpstream;
import dev.claudesse.claude.HttpUpstream;
import dev.claudesse.claude.ModelsEndpoint;
import dev.claudesse.claude.PromptCaching;
import dev.claudesse.claude.RetryPolicy;
import dev.claudesse.claude.Upstream;
import dev.claudesse.config.Settings;
import dev.claudesse.limits.AbuseLimits;
import dev.claudesse.metrics.Metrics;
import dev.claudesse.models.LineupCheck;
import dev.claudesse.models.ModelPolicy;
import dev.claudesse.models.ModelTable;
import dev.claudesse.store.AnswerStatus;
import dev.claudesse.store.ConversationArchive;
import dev.claudesse.store.ConversationStore;
import dev.claudesse.stream.Answer;
import dev.claudesse.stream.AnswerRegistry;
import dev.claudesse.stream.AnswerServices;
import dev.claudesse.tokens.ApiTokens;
import jakarta.servlet.ServletContext;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/** Everything one deployed webapp owns, built at startup and closed on undeploy. */
public final class App {

    static final String ATTRIBUTE = App.class.getName();
    private static final Logger LOG = Logger.getLogger(App.class.getName());
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);
    /** How soon an edited tokens file (a revoked token) is in force. */
    private static final Duration TOKENS_CHECK = Duration.ofSeconds(2);

    final Settings settings;
    final ObjectMapper json = Json.MAPPER;
    final ModelPolicy models;
    final AnswerRegistry registry;
    final Budgets budgets;
    final AnswerServices services;
    final ConversationStore store;
    final ApiTokens tokens;
    final Metrics metrics;
    final AbuseLimits limits;
    final PromptCaching caching;
    final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    final Pinger pinger = new Pinger();
    private final List<HttpClient> http;
    private final ScheduledExecutorService housekeeper;
    private final Thread shutdownHook = new Thread(this::endAnswersForJvmExit, "claude-sse-shutdown");
    /** System.nanoTime() when this node began to drain, or null while it takes new answers. */
    private final AtomicReference<Long> drainingSince = new AtomicReference<>();

    App(Settings settings, ConversationStore store) throws IOException {
        this.settings = settings;
        this.store = store;
        this.models = new ModelPolicy(ModelTable.load(json, settings.modelsFile()), settings.defaultModel(),
                settings.allowedModels(), Clock.systemUTC());
        models.requireUsableDefault(); // a retired default model stops the start here, with its replacement named
        this.tokens = ApiTokens.open(settings.apiTokensFile()); // a tokens file that cannot be read stops it too
        try { // settings of their own packages; a wrong one stops the start (the listener closes the store)
            this.limits = AbuseLimits.load(settings.source());
            this.caching = PromptCaching.from(settings.source(), models.table());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        LOG.info("abuse limits: " + limits.config() + "; prompt caching " + (caching.enabled() ? "on" : "off"));
        this.registry = new AnswerRegistry(settings.maxAnswersPerOwner(), settings.maxAnswers(),
                settings.replayRetention(), settings.replayMaxBytes());
        this.http = settings.hasApiKey() ? httpClients(upstreamTls(settings)) : List.of();
        this.metrics = Metrics.start(settings, models.table()); // this deployment's own registry
        this.services = new AnswerServices(upstream(), models, RetryPolicy.DEFAULT, json, store, metrics.monitor());
        metrics.gauge("claude_sse.answers.running", "Answers streaming from Claude now", registry::running);
        metrics.gauge("claude_sse.streams.open", "Connections following an answer's event stream now", pinger::open);
        metrics.watchStore(store, executor);
        this.budgets = new Budgets(BudgetSettings.load(settings.source()), (owner, since) ->
                store instanceof ConversationArchive archive ? archive.spentSince(owner, since) : BigDecimal.ZERO,
                Clock.systemUTC());
        this.housekeeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "claude-sse-housekeeper");
            t.setDaemon(true);
            return t;
        });
        housekeeper.scheduleWithFixedDelay(this::housekeeping, 1, 1, TimeUnit.SECONDS);
        if (tokens.enabled()) {
            // on the housekeeper, not on requests: a lookup only reads the entries in force, never the disk
            housekeeper.scheduleWithFixedDelay(this::refreshTokens, TOKENS_CHECK.toMillis(), TOKENS_CHECK.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        // Models retire on their day: once a day, warn again and compare with Claude's own list
        housekeeper.scheduleWithFixedDelay(() -> executor.execute(this::checkModels), 0, 1, TimeUnit.DAYS);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * The JVM is exiting (SIGTERM): drain at once (health and new answers get 503, so a proxy sends them
     * elsewhere), let the running answers end within CLAUDE_SSE_DRAIN_SECONDS, then end the rest while the
     * container still has its connections. Tomcat tells the app through contextDestroyed and its async
     * timeouts, but Jetty closes its connectors before it stops the webapp, so without this the browsers
     * would get no terminal event at all. Jetty needs a stop timeout (jetty.server.stopTimeout) longer than
     * the drain for the events to go out before it closes the connections.
     */
    private void endAnswersForJvmExit() {
        drainThenEnd();
        awaitAnswers();
    }

    /**
     * The container is stopping (or the JVM exiting): drain, let the running answers end within what is left
     * of CLAUDE_SSE_DRAIN_SECONDS, then end the rest with a retryable error. Called from every connection
     * the container times out and from the shutdown: all wait for the same deadline.
     */
    void drainThenEnd() {
        drainAndWait();
        abortAll();
    }

    /**
     * From now on this node refuses new answers (503 draining) and says so in api/health, so that nginx
     * sends new answers to the other nodes, while the running ones go on: their resumes and stops still
     * work. There is no way back but a restart: a drain is the first step of a stop. Idempotent.
     */
    void drain() {
        if (drainingSince.compareAndSet(null, System.nanoTime())) {
            LOG.info("claude-sse draining: new answers are refused; " + registry.running()
                    + " running answers get up to " + settings.drainGrace().toSeconds() + " s to end");
        }
    }

    boolean draining() {
        return drainingSince.get() != null;
    }

    /**
     * Drains, then waits until no answer runs or CLAUDE_SSE_DRAIN_SECONDS have passed since the drain
     * began (an operator's earlier POST api/drain counts, so a stop after it waits only what is left).
     * The answers keep streaming meanwhile: they write from Claude's client threads, not from the
     * container's request threads, and a stopping Tomcat only stops accepting connections before it
     * stops the webapp (docs/scaling.md, "Rolling restart").
     */
    void drainAndWait() {
        drain();
        long deadline = drainingSince.get() + settings.drainGrace().toNanos();
        try {
            while (registry.running() > 0 && deadline - System.nanoTime() > 0) {
                Answer running = null;
                for (Answer answer : registry.all()) {
                    if (!answer.isEnded()) {
                        running = answer;
                        break;
                    }
                }
                long left = Math.max(1, deadline - System.nanoTime());
                if (running != null) {
                    running.awaitEnd(Duration.ofNanos(left));
                } else {
                    Thread.sleep(Math.min(50, TimeUnit.NANOSECONDS.toMillis(left) + 1)); // admitted, not yet registered
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (registry.running() > 0) {
            LOG.info("claude-sse drain over: " + registry.running() + " answers still running are ended now");
        }
    }

    /**
     * The daily look at the line-up. Without a key, or when Claude cannot be reached, the table alone
     * decides; a difference is only logged, never acted on.
     */
    private void checkModels() {
        models.warnings().forEach(LOG::warning);
        try {
            models.requireUsableDefault();
        } catch (IllegalStateException e) {
            LOG.severe(e.getMessage() + " Until then every request that names no model is refused.");
        }
        if (http.isEmpty()) {
            return;
        }
        try {
            var listed = new ModelsEndpoint(http.getFirst(), settings.baseUrl(), settings.apiKey(), json).list();
            for (String difference : LineupCheck.differences(models.table(), listed, models.today())) {
                LOG.warning("model table: " + difference);
            }
        } catch (java.io.IOException | RuntimeException e) {
            LOG.info("could not read Claude's list of models (" + e.getMessage() + "); the model table alone decides");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One HttpClient per core, each with a direct executor: a client's selector thread itself parses
     * Claude's bytes (PushedBody) and writes them to the browsers, with no other thread in between; with
     * one client per core, that work spreads over every core (docs/performance.md).
     */
    private static List<HttpClient> httpClients(javax.net.ssl.SSLContext tls) {
        List<HttpClient> clients = new ArrayList<>();
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            HttpClient.Builder builder = HttpClient.newBuilder().executor(Runnable::run)
                    .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER);
            if (tls != null) {
                builder.sslContext(tls);
            }
            clients.add(builder.build());
        }
        return List.copyOf(clients);
    }

    /**
     * CLAUDE_SSE_UPSTREAM_CA_FILE: the certificates (PEM) trusted for Claude's base URL instead of the JVM's
     * trust store, for a private gateway (and the tests' HTTP/2 fake); null keeps the JVM's default.
     */
    private static javax.net.ssl.SSLContext upstreamTls(Settings settings) {
        String file = settings.source().get("CLAUDE_SSE_UPSTREAM_CA_FILE");
        if (file == null || file.isBlank()) {
            return null;
        }
        try {
            return dev.claudesse.claude.UpstreamTrust.fromPemFile(java.nio.file.Path.of(file));
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("CLAUDE_SSE_UPSTREAM_CA_FILE " + file + " cannot be used: " + e.getMessage(), e);
        }
    }

    private Upstream upstream() {
        if (settings.hasApiKey()) {
            return new HttpUpstream(http, settings.baseUrl(), settings.apiKey(), json, settings.upstreamIdleTimeout());
        }
        return settings.demoEnabled() ? new DemoUpstream(json, settings.demoPace()) : null;
    }

    private void housekeeping() {
        try {
            pinger.tick();
            registry.sweep(settings.upstreamIdleTimeout(), settings.cancelAfterDisconnect());
            budgets.sweep();
        } catch (RuntimeException e) {
            // a failure must not end the schedule: it would silence every ping from then on
            LOG.log(java.util.logging.Level.WARNING, "housekeeping failed", e);
        }
    }

    private void refreshTokens() {
        try {
            tokens.refresh();
        } catch (RuntimeException e) {
            // as for housekeeping: a failure must not end the schedule, or revoked tokens would stay in force
            LOG.log(java.util.logging.Level.WARNING, "reading the API tokens file failed", e);
        }
    }

    static App from(ServletContext context) {
        return (App) context.getAttribute(ATTRIBUTE);
    }

    /** "claude", "demo", or "unconfigured" (no key and demo switched off). */
    String upstreamKind() {
        if (services.upstream() == null) {
            return "unconfigured";
        }
        return services.upstream().isDemo() ? "demo" : "claude";
    }

    /**
     * Drains (running answers get CLAUDE_SSE_DRAIN_SECONDS to end), then ends every answer still running
     * with a retryable error, saved as interrupted, then frees threads and sockets.
     */
    void shutdown() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook); // an undeploy must not leave it behind
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook runs, or ran, anyway
        }
        drainThenEnd();
        awaitAnswers();
        housekeeper.shutdownNow();
        executor.shutdown();
        try {
            // its thread must be gone before the container looks for threads the webapp left running
            housekeeper.awaitTermination(1, TimeUnit.SECONDS);
            if (!executor.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        http.forEach(HttpClient::shutdownNow);
        store.close();
        metrics.close();
        LOG.info("claude-sse stopped");
    }

    /** Ends every running answer with a retryable "shutdown" error, saved as interrupted. Idempotent. */
    void abortAll() {
        for (Answer answer : registry.all()) {
            if (!answer.isEnded()) {
                answer.abort("shutdown", "The server is shutting down; try again shortly.", AnswerStatus.INTERRUPTED);
            }
        }
    }

    private void awaitAnswers() {
        long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
        for (Answer answer : registry.all()) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !answer.awaitEnd(Duration.ofNanos(left))) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
