package dev.claudesse.stream;

import dev.claudesse.budget.SpendMeter;
import dev.claudesse.claude.ClaudeEventDecoder;
import dev.claudesse.claude.ClaudeRequest;
import dev.claudesse.claude.ClaudeStreamListener;
import dev.claudesse.claude.RetryPolicy;
import dev.claudesse.claude.StopDetails;
import dev.claudesse.claude.UpstreamBody;
import dev.claudesse.claude.UpstreamResponse;
import dev.claudesse.claude.Usage;
import dev.claudesse.dialect.AnswerEvent;
import dev.claudesse.dialect.Dialect;
import dev.claudesse.protocol.EventStreamParser;
import dev.claudesse.protocol.Utf16;
import dev.claudesse.store.AnswerEnd;
import dev.claudesse.store.AnswerStatus;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One assistant answer, independent of any HTTP connection: run() reads Claude's stream on its own
 * virtual thread and appends the product's events to the log; connections only read the log.
 */
public final class Answer implements ClaudeStreamListener, Runnable {

    private static final Logger LOG = Logger.getLogger(Answer.class.getName());

    private final String messageId;
    private final String conversationId;
    private final String owner;
    private final String requestedModel;
    private final boolean thinkingRequested;
    /** Dropped once Claude's stream is done with: an ended answer keeps only its frames. */
    private ClaudeRequest request;
    private final AnswerServices services;
    private final Dialect dialect;
    private final Dialect.Encoder encoder;
    private final Consumer<Answer> onEnd;
    private final EventLog log = new EventLog();
    private final AtomicInteger followers = new AtomicInteger();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final LocalDate day; // an answer is priced at the rates of the day it started

    private final StringBuilder text = new StringBuilder();
    private final StringBuilder thinking = new StringBuilder();
    private Usage usage = Usage.NONE;
    private boolean finalUsage;
    private boolean messageStopped;
    private String stopReason;
    private StopDetails stopDetails;
    private String upstreamModel;
    private String upstreamErrorType;
    private String upstreamErrorMessage;
    private String requestId;
    private Instant firstTokenAt;
    /** Where this answer reports its estimated cost against the budgets that apply; null: none do. */
    private SpendMeter meter;
    private volatile boolean budgetStopped;
    /** The estimate's parts, from Claude's usage so far: USD millionths for the input, and per output token. */
    private long inputMicros;
    private double outputMicrosPerToken;
    private boolean priced;
    /** A relaying dialect sent Claude's content (a tool's input, say, which is no text): no retry then. */
    private boolean relayedContent;

    private volatile AnswerStatus status = AnswerStatus.STREAMING;
    private volatile UpstreamBody body;
    private volatile boolean stopRequested;
    private volatile Outcome.Failed abortedWith;
    private volatile boolean idleTimedOut;
    private volatile long lastUpstreamNanos = System.nanoTime();
    private volatile long unfollowedSinceNanos = System.nanoTime();
    private volatile long endedNanos;
    private final long startedNanos = System.nanoTime();
    private volatile Duration unfollowedGrace;
    /** How often the text so far goes to the store (0: only at the end), and when it last went. */
    private final long progressNanos;
    private long progressSavedNanos = startedNanos;

    public Answer(String messageId, String conversationId, String owner, ClaudeRequest request,
                  AnswerServices services, Dialect dialect, Consumer<Answer> onEnd) {
        this.messageId = messageId;
        this.conversationId = conversationId;
        this.owner = owner;
        this.request = request;
        this.requestedModel = request.model();
        this.thinkingRequested = request.thinkingEnabled();
        this.services = services;
        this.dialect = dialect;
        this.encoder = dialect.encoder(services.json());
        this.onEnd = onEnd;
        this.day = services.models().today();
        this.progressNanos = services.store().progressInterval().toNanos();
    }

    @Override
    public void run() {
        Outcome outcome;
        try {
            services.monitor().started(requestedModel, dialect.name());
            emit(new AnswerEvent.Start(conversationId, messageId, requestedModel,
                    services.upstream().isDemo()));
            outcome = relay();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "answer " + messageId + " failed", e);
            outcome = new Outcome.Failed("internal_error", "The answer failed inside the server.", true);
        }
        request = null; // up to a megabyte of question and history: no retry needs it any more
        end(outcome);
    }

    private Outcome relay() {
        RetryPolicy retry = services.retry();
        for (int attempt = 1; ; attempt++) {
            if (stopRequested) {
                return stoppedOutcome();
            }
            UpstreamResponse response;
            try {
                lastUpstreamNanos = System.nanoTime();
                response = services.upstream().open(request, stopped);
            } catch (IOException e) {
                if (stopRequested) {
                    return stoppedOutcome();
                }
                if (attempt <= retry.maxRetries() && waitToRetry(attempt, null, "connection_failed")) {
                    continue;
                }
                return stopRequested ? stoppedOutcome()
                        : new Outcome.Failed("upstream_unreachable", "Could not reach Claude.", true);
            } catch (InterruptedException e) {
                return stoppedOutcome();
            }
            requestId = response.requestId();
            if (response.status() == 200) {
                Outcome outcome = consume(response.body());
                boolean nothingShown = text.isEmpty() && thinking.isEmpty() && !relayedContent;
                if (outcome instanceof Outcome.Failed f && f.retryable() && nothingShown && !stopRequested
                        && (upstreamErrorType != null || f.type().equals("upstream_dropped"))
                        && attempt <= retry.maxRetries() && waitToRetry(attempt, null, retryReason(f))) {
                    upstreamErrorType = null; // the next attempt starts clean
                    upstreamErrorMessage = null;
                    continue;
                }
                return outcome;
            }
            UpstreamError error = UpstreamError.read(services.json(), response);
            services.monitor().upstreamError(requestedModel, error.reason());
            if (RetryPolicy.isRetryable(response.status()) && attempt <= retry.maxRetries()
                    && waitToRetry(attempt, response.retryAfter(), error.reason())) {
                continue;
            }
            return stopRequested ? stoppedOutcome() : error.toOutcome();
        }
    }

    /**
     * Why an accepted stream is tried again: it broke, or Claude reported a passing error (overloaded,
     * rate limited, api_error) as an event before any text was shown.
     */
    private String retryReason(Outcome.Failed failed) {
        return upstreamErrorType != null ? upstreamErrorType : "connection_dropped";
    }

    /** Tells the browser we wait, then waits; false when a stop cut the wait short. */
    private boolean waitToRetry(int attempt, Duration retryAfter, String reason) {
        Duration delay = services.retry().delay(attempt, retryAfter);
        services.monitor().retrying(requestedModel, reason);
        emit(new AnswerEvent.Status("retrying", attempt, delay.toMillis(), reason));
        try {
            stopped.get(delay.toMillis(), TimeUnit.MILLISECONDS);
            return false;
        } catch (TimeoutException e) {
            return true;
        } catch (InterruptedException | ExecutionException e) {
            return false;
        }
    }

    /**
     * Parses Claude's stream as the body delivers it. For Claude over HTTP that happens on the HTTP
     * client's thread, not this one: the listener methods below run there, and this thread reads their
     * results only after deliver() returns.
     */
    private Outcome consume(UpstreamBody in) {
        body = in;
        ClaudeEventDecoder decoder = new ClaudeEventDecoder(services.json(), this);
        EventStreamParser parser = new EventStreamParser((type, data, lastEventId) -> {
            byte[] relayed = encoder.upstream(type, data); // a dialect that relays Claude's events gets each first
            if (relayed != null && relayed.length > 0) {
                relayedContent = true; // such a dialect holds back what comes before content
                log.append(relayed);
            }
            decoder.onEvent(type, data, lastEventId);
        });
        try {
            if (stopRequested) {
                return stoppedOutcome();
            }
            in.deliver((bytes, offset, length) -> {
                lastUpstreamNanos = System.nanoTime();
                parser.feed(bytes, offset, length);
                return !messageStopped && upstreamErrorType == null;
            });
        } catch (IOException e) {
            // a broken connection; a stop or the idle watchdog cancel, and deliver() returns normally
        } catch (ClaudeEventDecoder.MalformedUpstreamException e) {
            return new Outcome.Failed("upstream_malformed", e.getMessage(), false);
        } finally {
            body = null;
            in.close();
        }
        return afterStream();
    }

    private Outcome afterStream() {
        if (messageStopped && upstreamErrorType == null) {
            // Claude finished: a stop (or shutdown) that arrives after that changes nothing
            return new Outcome.Done(stopReason == null ? "end_turn" : stopReason);
        }
        if (stopRequested) {
            return stoppedOutcome();
        }
        if (upstreamErrorType != null) {
            return UpstreamError.midStream(upstreamErrorType, upstreamErrorMessage);
        }
        if (idleTimedOut) {
            return new Outcome.Failed("upstream_timeout", "Claude stopped sending data.", true);
        }
        return new Outcome.Failed("upstream_dropped", "The connection to Claude broke mid-answer.", true);
    }

    private Outcome stoppedOutcome() {
        Outcome.Failed aborted = abortedWith;
        return aborted != null ? aborted : new Outcome.Stopped();
    }

    /**
     * Prices, saves and frees the answer's slot, and only then tells the browser it ended: a follow-up
     * question sent the moment the browser hears the end must find this answer saved and its slot free.
     */
    private void end(Outcome outcome) {
        Thread.interrupted(); // a shutting-down executor may have interrupted us; the end must still be written
        boolean estimated = !(messageStopped && finalUsage);
        Usage billed = estimated ? usage.withOutputTokens(Math.max(usage.outputTokens(), estimateOutput())) : usage;
        BigDecimal cost = null;
        String model = upstreamModel != null ? upstreamModel : requestedModel;
        if (usage.isKnown()) {
            cost = services.models().table().cost(model, billed, day);
            emit(new AnswerEvent.Cost(billed.inputTokens(), billed.outputTokens(),
                    billed.cacheCreationInputTokens(), billed.cacheReadInputTokens(), billed.thinkingTokens(), cost,
                    "USD", estimated, model));
        }
        String savedStopReason = switch (outcome) {
            case Outcome.Done done -> done.stopReason();
            case Outcome.Stopped stopped -> budgetStopped ? "budget" : "stopped";
            case Outcome.Failed failed -> null;
        };
        StopDetails savedDetails = outcome instanceof Outcome.Done ? stopDetails : null;
        Outcome.Failed failed = outcome instanceof Outcome.Failed f ? f : null;
        if (meter != null) {
            meter.settle(usage.isKnown() ? cost : null);
        }
        services.store().finish(new AnswerEnd(messageId, outcome.status(), savedStopReason, text.toString(),
                thinking.isEmpty() ? null : thinking.toString(), billed, usage.isKnown() ? cost : null, estimated,
                requestId, failed == null ? null : failed.type(), failed == null ? null : failed.message(),
                firstTokenAt, Instant.now(), savedDetails));
        // the frames hold the text now; the builders would hold it a second time for the replay window
        text.setLength(0);
        text.trimToSize();
        thinking.setLength(0);
        thinking.trimToSize();
        stopped.complete(null); // nothing waits on it any more: this lets go of its callbacks for the replay window
        endedNanos = System.nanoTime(); // before the status: the sweep reads the status, then the time
        status = outcome.status();
        services.monitor().ended(new Monitor.Ending(model, dialect.name(), status, savedStopReason,
                failed == null ? null : failed.type(), billed, usage.isKnown() ? cost : null, estimated,
                Duration.ofNanos(endedNanos - startedNanos)));
        onEnd.accept(this);
        if (failed != null) {
            emit(new AnswerEvent.Error(failed.type(), failed.message(), failed.retryable()));
        } else {
            emit(new AnswerEvent.Done(messageId, savedStopReason, savedDetails));
        }
        log.finish();
    }

    /** Output tokens Claude has not reported yet, roughly four characters a token. */
    private long estimateOutput() {
        return (text.length() + thinking.length() + 3) / 4;
    }

    private void emit(AnswerEvent event) {
        append(encoder.event(event));
    }

    /** Frames a dialect encoded; nothing for what it leaves out or holds back. */
    private void append(byte[] frame) {
        if (frame != null && frame.length > 0) {
            log.append(frame);
        }
    }

    /** The HTTP status of a whole (non-streaming) response body, once the answer ended. */
    public int responseStatus() {
        return encoder.status();
    }

    // ---- what Claude's stream tells us (called by whichever thread delivers the body, one at a time) ----

    @Override
    public void onMessageStart(String model, Usage usage) {
        this.upstreamModel = model;
        this.usage = usage;
        reprice();
        meterSpend();
    }

    @Override
    public void onText(String delta) {
        if (delta.isEmpty()) {
            return;
        }
        if (firstTokenAt == null) {
            firstToken();
        }
        String whole = Utf16.wellFormed(delta); // what is streamed is exactly what is saved
        append(encoder.text(whole));
        text.append(whole);
        meterSpend();
        saveProgressWhenDue();
    }

    @Override
    public void onThinking(String delta) {
        if (!thinkingRequested || delta.isEmpty()) {
            return;
        }
        if (firstTokenAt == null) {
            firstToken();
        }
        String whole = Utf16.wellFormed(delta);
        append(encoder.thinking(whole));
        thinking.append(whole);
        meterSpend();
        saveProgressWhenDue();
    }

    /**
     * Hands the text so far to the store once per progress interval, from the thread that appends it (no
     * lock on the builders): a node that dies then leaves at most one interval of text unsaved. The time
     * is the one taken when these bytes arrived, so this costs a subtraction per piece of text.
     */
    private void saveProgressWhenDue() {
        long now = lastUpstreamNanos;
        if (progressNanos > 0 && now - progressSavedNanos >= progressNanos) {
            progressSavedNanos = now;
            services.store().saveProgress(messageId, text.toString(), thinking.isEmpty() ? null : thinking.toString());
        }
    }

    private void firstToken() {
        firstTokenAt = Instant.now();
        services.monitor().firstToken(requestedModel, dialect.name(), Duration.ofNanos(System.nanoTime() - startedNanos));
    }

    @Override
    public void onUsage(Usage usage) {
        this.usage = usage;
        finalUsage = true;
        reprice();
        meterSpend();
    }

    /**
     * The budgets that apply to this answer; it reports its estimated cost as Claude's usage and its text
     * grow, and stops like a user stop (stop reason "budget") when one is spent.
     */
    public void meterSpend(SpendMeter meter) {
        this.meter = meter;
    }

    /** Prices the usage so far with no output, and one output token, so each delta's estimate is one multiply. */
    private void reprice() {
        if (meter == null) {
            return;
        }
        String model = upstreamModel != null ? upstreamModel : requestedModel;
        BigDecimal base = services.models().table().cost(model, usage.withOutputTokens(0), day);
        BigDecimal million = services.models().table().cost(model, usage.withOutputTokens(1_000_000), day);
        priced = base != null && million != null;
        if (priced) {
            inputMicros = base.movePointRight(6).longValue();
            outputMicrosPerToken = million.subtract(base).doubleValue(); // USD per million = millionths per token
        }
    }

    /** Reports the cost so far: the input, and the output Claude reported or the text's estimate, the larger. */
    private void meterSpend() {
        if (meter == null || !priced || budgetStopped) {
            return;
        }
        long output = Math.max(usage.outputTokens(), estimateOutput());
        if (meter.report(inputMicros + (long) Math.ceil(output * outputMicrosPerToken))) {
            budgetStopped = true;
            stop();
        }
    }

    @Override
    public void onStopReason(String stopReason, StopDetails details) {
        this.stopReason = stopReason;
        this.stopDetails = details;
    }

    @Override
    public void onMessageStop() {
        messageStopped = true;
    }

    @Override
    public void onError(String type, String message) {
        services.monitor().upstreamError(requestedModel, type);
        upstreamErrorType = type;
        upstreamErrorMessage = message;
    }

    // ---- control from other threads ----

    /** Cancels the upstream call; the answer then ends with cost and done(stopped). Idempotent. */
    public void stop() {
        stopRequested = true;
        stopped.complete(null); // ends a wait for Claude's response headers or for a retry
        cancelUpstream();
    }

    /** Ends the answer at once with a retryable error, e.g. because the server shuts down. */
    public void abort(String type, String message, AnswerStatus savedAs) {
        abortedWith = new Outcome.Failed(type, message, true, savedAs);
        stop();
    }

    private void cancelUpstream() {
        UpstreamBody open = body;
        if (open != null) {
            open.cancel();
        }
    }

    /** Called by the housekeeper: cuts an upstream that has sent nothing for too long. */
    void checkIdle(long nowNanos, Duration idleTimeout) {
        if (status == AnswerStatus.STREAMING && body != null
                && nowNanos - lastUpstreamNanos > idleTimeout.toNanos()) {
            idleTimedOut = true;
            cancelUpstream();
        }
    }

    /**
     * Stop this answer when no connection has followed it for this long (a client whose only way to stop
     * is to go away), whatever the server-wide setting says; zero stops it the moment its last follower
     * leaves.
     */
    public void stopWhenUnfollowedFor(Duration grace) {
        this.unfollowedGrace = grace;
    }

    Duration unfollowedGrace() {
        return unfollowedGrace;
    }

    /** Called by the housekeeper: stops an answer nobody has followed for the grace period. */
    void checkAbandoned(long nowNanos, Duration grace) {
        if (status == AnswerStatus.STREAMING && followers.get() == 0
                && nowNanos - unfollowedSinceNanos > grace.toNanos()) {
            stop();
        }
    }

    public void follow() {
        followers.incrementAndGet();
    }

    public void unfollow() {
        if (followers.decrementAndGet() == 0) {
            unfollowedSinceNanos = System.nanoTime();
            if (Duration.ZERO.equals(unfollowedGrace) && status == AnswerStatus.STREAMING) {
                stop(); // a client that cannot resume: no reason to wait for the housekeeper's next pass
            }
        }
    }

    /** Waits until the answer has ended; false on timeout. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return log.awaitFinished(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }


    public String messageId() {
        return messageId;
    }

    public String conversationId() {
        return conversationId;
    }

    public String owner() {
        return owner;
    }

    public EventLog log() {
        return log;
    }

    public Dialect dialect() {
        return dialect;
    }

    public AnswerStatus status() {
        return status;
    }

    public boolean isEnded() {
        return status != AnswerStatus.STREAMING;
    }

    long endedNanos() {
        return endedNanos;
    }
}
