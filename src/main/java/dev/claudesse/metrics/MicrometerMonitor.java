package dev.claudesse.metrics;

import dev.claudesse.claude.Usage;
import dev.claudesse.store.AnswerStatus;
import dev.claudesse.stream.Monitor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The engine's Monitor as Micrometer meters. Each call is on an answer's path, so the meters of a model,
 * a (model, dialect) pair or a reason are looked up once and kept: an event costs a map lookup and an
 * increment, no string building. The caches are keyed by the raw names the engine reports and capped,
 * so even a stream of odd names can neither grow memory nor, through Labels, the number of series.
 */
final class MicrometerMonitor implements Monitor {

    private static final Logger LOG = Logger.getLogger(MicrometerMonitor.class.getName());
    /** More distinct raw names than any real line-up has; past it a name is resolved each time instead. */
    private static final int CACHE_LIMIT = 256;
    private static final String NO_NAME = "";

    private final MeterRegistry registry;
    private final Labels labels;
    private final Map<String, ModelMeters> byRawModel = new ConcurrentHashMap<>();
    private final Map<String, ModelMeters> byModelLabel = new ConcurrentHashMap<>();
    private final Map<String, Counter> refusals = new ConcurrentHashMap<>();
    private volatile boolean failureLogged;

    MicrometerMonitor(MeterRegistry registry, Labels labels) {
        this.registry = registry;
        this.labels = labels;
        // every reason from the start at 0, so that rate() sees the first refusal of each
        for (String reason : Labels.REFUSAL_REASONS) {
            refusals.put(reason, Counter.builder("claude_sse.refusals")
                    .description("Requests an endpoint refused before any answer began, by reason")
                    .tag("reason", reason).register(registry));
        }
    }

    @Override
    public void started(String model, String dialect) {
        try {
            model(model).dialect(dialect).started.increment();
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void firstToken(String model, String dialect, Duration sinceStart) {
        try {
            model(model).dialect(dialect).firstToken.record(sinceStart);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void retrying(String model, String reason) {
        try {
            ModelMeters meters = model(model);
            cached(meters.retries, reason, meters::retryCounter).increment();
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void upstreamError(String model, String type) {
        try {
            ModelMeters meters = model(model);
            cached(meters.upstreamErrors, type, meters::errorCounter).increment();
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void ended(Ending ending) {
        try {
            ModelMeters meters = model(ending.model());
            DialectMeters dialect = meters.dialect(ending.dialect());
            Counter ended = dialect.ended.get(ending.status());
            if (ended != null) {
                ended.increment();
            }
            if (ending.duration() != null) {
                dialect.duration.record(ending.duration());
            }
            countTokens(meters, ending.billed());
            if (ending.cost() != null && ending.cost().signum() > 0) {
                meters.usd.increment(ending.cost().doubleValue());
            }
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void refused(int status, String type) {
        try {
            refusals.get(Labels.refusal(status, type)).increment();
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /**
     * Billed tokens by the model that spent them: when Claude reports iterations (passes such as an
     * advisor model's), they replace the top-level counts, as they do for the price.
     */
    private void countTokens(ModelMeters answerModel, Usage usage) {
        if (usage == null) {
            return;
        }
        if (usage.iterations().isEmpty()) {
            answerModel.count(usage);
            return;
        }
        for (Usage.Iteration iteration : usage.iterations()) {
            if (iteration.usage() != null) {
                (iteration.model() == null ? answerModel : model(iteration.model())).count(iteration.usage());
            }
        }
    }

    private ModelMeters model(String raw) {
        return cached(byRawModel, raw, r -> byModelLabel.computeIfAbsent(labels.model(r), ModelMeters::new));
    }

    /** The cached value for the key (null reads as ""), made once; past the cap made again each time. */
    private static <V> V cached(Map<String, V> cache, String key, Function<String, V> make) {
        String k = key == null ? NO_NAME : key;
        V value = cache.get(k);
        if (value != null) {
            return value;
        }
        return cache.size() < CACHE_LIMIT ? cache.computeIfAbsent(k, make) : make.apply(k);
    }

    /** A monitor must never break an answer: log the first failure, then stay quiet. */
    private void failed(RuntimeException e) {
        if (!failureLogged) {
            failureLogged = true;
            LOG.log(Level.WARNING, "recording a metric failed; later failures are not logged", e);
        }
    }

    /** The meters of one model label. */
    private final class ModelMeters {

        private final String model;
        private final Counter input;
        private final Counter output;
        private final Counter cacheCreation;
        private final Counter cacheRead;
        private final Counter usd;
        private final Map<String, DialectMeters> dialects = new ConcurrentHashMap<>();
        private final Map<String, Counter> upstreamErrors = new ConcurrentHashMap<>();
        private final Map<String, Counter> retries = new ConcurrentHashMap<>();

        ModelMeters(String model) {
            this.model = model;
            this.input = tokens("input");
            this.output = tokens("output");
            this.cacheCreation = tokens("cache_creation");
            this.cacheRead = tokens("cache_read");
            this.usd = Counter.builder("claude_sse.cost.usd")
                    .description("What answers cost in USD by the model table's prices (estimated for answers cut short)")
                    .tag("model", model).register(registry);
        }

        private Counter tokens(String kind) {
            return Counter.builder("claude_sse.tokens").description("Tokens billed for answers, by kind")
                    .tag("model", model).tag("kind", kind).register(registry);
        }

        void count(Usage usage) {
            add(input, usage.inputTokens());
            add(output, usage.outputTokens());
            add(cacheCreation, Math.max(usage.cacheCreationInputTokens(),
                    usage.cacheCreation5mTokens() + usage.cacheCreation1hTokens()));
            add(cacheRead, usage.cacheReadInputTokens());
        }

        private static void add(Counter counter, long tokens) {
            if (tokens > 0) {
                counter.increment(tokens);
            }
        }

        DialectMeters dialect(String dialect) {
            return cached(dialects, dialect, d -> new DialectMeters(model, d.isEmpty() ? Labels.OTHER : d));
        }

        Counter errorCounter(String type) {
            return Counter.builder("claude_sse.upstream.errors")
                    .description("Errors Claude answered with, as a status or an error event in its stream")
                    .tag("model", model).tag("type", Labels.upstreamReason(type)).register(registry);
        }

        Counter retryCounter(String reason) {
            return Counter.builder("claude_sse.retries").description("Times an answer waited to call Claude again")
                    .tag("model", model).tag("reason", Labels.upstreamReason(reason)).register(registry);
        }
    }

    /** The meters of one (model, dialect) pair. */
    private final class DialectMeters {

        private final Counter started;
        private final Map<AnswerStatus, Counter> ended = new EnumMap<>(AnswerStatus.class);
        private final Timer firstToken;
        private final Timer duration;

        DialectMeters(String model, String dialect) {
            started = Counter.builder("claude_sse.answers.started").description("Answers begun")
                    .tag("model", model).tag("dialect", dialect).register(registry);
            for (AnswerStatus status : AnswerStatus.values()) {
                if (status != AnswerStatus.STREAMING) { // every end at 0 from the start, as for refusals
                    ended.put(status, Counter.builder("claude_sse.answers.ended").description("Answers ended, by how")
                            .tag("model", model).tag("dialect", dialect).tag("status", status.wireName())
                            .register(registry));
                }
            }
            // histograms with Prometheus buckets; the expected ranges keep the bucket count modest
            firstToken = Timer.builder("claude_sse.answer.first_token")
                    .description("Time from an answer's start to its first text or thinking")
                    .tag("model", model).tag("dialect", dialect).publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(50)).maximumExpectedValue(Duration.ofMinutes(2))
                    .register(registry);
            duration = Timer.builder("claude_sse.answer.duration")
                    .description("Time from an answer's start to its end, however it ended")
                    .tag("model", model).tag("dialect", dialect).publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(100)).maximumExpectedValue(Duration.ofMinutes(30))
                    .register(registry);
        }
    }
}
