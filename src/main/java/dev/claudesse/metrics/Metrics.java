package dev.claudesse.metrics;

import dev.claudesse.config.Settings;
import dev.claudesse.models.ModelTable;
import dev.claudesse.store.ConversationStore;
import dev.claudesse.store.JdbcConversationStore;
import dev.claudesse.stream.Monitor;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One deployment's metrics: its own Prometheus registry (never Micrometer's global one, so two
 * deployments in one container each report their own answers), the JVM binders, the Monitor the engine
 * reports to, the gauges the app adds, and who may read them. Closed when the app stops.
 */
public final class Metrics implements AutoCloseable {

    /** What a scrape answers: the Prometheus text format, which every Prometheus version reads. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final Logger LOG = Logger.getLogger(Metrics.class.getName());
    /** How old the database check a scrape reports may be. */
    private static final Duration STORE_CHECK_AGE = Duration.ofSeconds(5);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<MeterBinder> binders = List.of(new JvmMemoryMetrics(), new JvmGcMetrics(),
            new JvmThreadMetrics(), new ProcessorMetrics(), new ClassLoaderMetrics(), new UptimeMetrics());
    private final MicrometerMonitor monitor;
    private final MetricsAccess access;

    Metrics(MetricsAccess access, Labels labels) {
        this.access = access;
        this.monitor = new MicrometerMonitor(registry, labels);
        binders.forEach(binder -> binder.bindTo(registry));
    }

    /** Metrics with the access settings, naming models as the table and the configured model names do. */
    public static Metrics start(Settings settings, ModelTable table) {
        MetricsAccess access = MetricsAccess.load(settings.source());
        LOG.info("api/metrics: " + access);
        return new Metrics(access, Labels.of(table, settings.allowedModels(), settings.defaultModel()));
    }

    public Monitor monitor() {
        return monitor;
    }

    public MetricsAccess access() {
        return access;
    }

    /** A gauge read at each scrape; value must be quick and must not block. */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).strongReference(true).register(registry);
    }

    /**
     * The store's gauges: whether the database answers (checked in the background on the executor, see
     * StoreProbe) and how many ended answers wait to be written to it.
     */
    public void watchStore(ConversationStore store, Executor executor) {
        StoreProbe probe = new StoreProbe(store::isReachable, executor, STORE_CHECK_AGE);
        Gauge.builder("claude_sse.store.reachable", probe, StoreProbe::value)
                .description("1 when the database answered its last check (at most seconds old), 0 when not")
                .strongReference(true).register(registry);
        if (store instanceof JdbcConversationStore jdbc) {
            gauge("claude_sse.store.pending_writes",
                    "Ended answers not yet in the database: queued, or spooled to a file while it is down",
                    jdbc::pendingWrites);
        }
    }

    /** Writes every metric in the Prometheus text format. */
    public void scrape(OutputStream out) throws IOException {
        registry.scrape(out, CONTENT_TYPE);
    }

    /** Lets go of the JVM's notifications (GC) and the registry, so an undeployed app leaves nothing behind. */
    @Override
    public void close() {
        for (MeterBinder binder : binders) {
            if (binder instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    LOG.log(Level.FINE, "closing a metrics binder failed", e);
                }
            }
        }
        registry.close();
    }
}
