package dev.claudesse.claude;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Claude's Messages API through the JDK's HttpClient; answers take the given clients in turn. */
public final class HttpUpstream implements Upstream {

    public static final String API_VERSION = "2023-06-01";

    private final List<HttpClient> clients;
    private final AtomicInteger turn = new AtomicInteger();
    private final URI endpoint;
    private final String apiKey;
    private final com.fasterxml.jackson.databind.ObjectMapper json;
    private final HttpClient.Version version;
    private final Duration headersTimeout;

    public HttpUpstream(List<HttpClient> clients, String baseUrl, String apiKey,
                        com.fasterxml.jackson.databind.ObjectMapper json, Duration headersTimeout) {
        this.headersTimeout = headersTimeout;
        this.clients = List.copyOf(clients);
        this.endpoint = URI.create(stripSlash(baseUrl) + "/v1/messages");
        this.apiKey = apiKey;
        this.json = json;
        // Plain http (tests, local proxies) gets HTTP/1.1 straight away instead of an h2c upgrade attempt.
        this.version = "https".equalsIgnoreCase(endpoint.getScheme())
                ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1;
    }

    @Override
    public UpstreamResponse open(ClaudeRequest request, CompletionStage<Void> stopped)
            throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
                .version(version)
                .timeout(headersTimeout)
                .header("x-api-key", apiKey)
                .header("content-type", "application/json")
                .header("accept", "text/event-stream");
        request.headers().forEach(builder::header); // checked by the dialect: beta flags, a known version
        if (!request.headers().containsKey("anthropic-version")) {
            builder.header("anthropic-version", API_VERSION);
        }
        HttpRequest http = builder.POST(HttpRequest.BodyPublishers.ofByteArray(request.toJson(json))).build();
        CompletableFuture<HttpResponse<UpstreamBody>> pending = next().sendAsync(http, HttpUpstream::body);
        // The stop callback lives as long as the answer; through this holder it lets go of the exchange (its
        // response and request bytes) once the headers are in, when stopping means cancelling the body instead.
        AtomicReference<CompletableFuture<?>> cancellable = new AtomicReference<>(pending);
        stopped.thenRun(() -> {
            CompletableFuture<?> waiting = cancellable.getAndSet(null);
            if (waiting != null) {
                waiting.cancel(true);
            }
        });
        try {
            HttpResponse<UpstreamBody> response = pending.get();
            HttpHeaders headers = response.headers();
            return new UpstreamResponse(response.statusCode(),
                    headers.firstValue("request-id").orElse(null), retryAfter(headers), response.body());
        } catch (InterruptedException e) {
            pending.cancel(true);
            throw e;
        } catch (CancellationException e) {
            throw new IOException("stopped while waiting for Claude's response headers");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
        } finally {
            cancellable.set(null);
        }
    }

    private HttpClient next() {
        return clients.get(Math.floorMod(turn.getAndIncrement(), clients.size()));
    }

    /** An event stream is parsed as it arrives; an error answer is read whole, on the answer's thread. */
    private static HttpResponse.BodySubscriber<UpstreamBody> body(HttpResponse.ResponseInfo info) {
        return info.statusCode() == 200 ? new PushedBody()
                : HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofInputStream(), StreamBody::new);
    }

    @Override
    public boolean isDemo() {
        return false;
    }

    static Duration retryAfter(HttpHeaders headers) {
        Optional<Duration> millis = headers.firstValue("retry-after-ms").flatMap(v -> parse(v, 1));
        return millis.or(() -> headers.firstValue("retry-after").flatMap(v -> parse(v, 1000))).orElse(null);
    }

    private static Optional<Duration> parse(String value, long unitMillis) {
        try {
            double amount = Double.parseDouble(value.trim());
            return amount >= 0 ? Optional.of(Duration.ofMillis((long) (amount * unitMillis))) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty(); // an HTTP date: fall back to our own backoff
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
