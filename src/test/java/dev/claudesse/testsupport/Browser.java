package dev.claudesse.testsupport;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One browser: its own cookie jar (so its own anonymous owner) and helpers for the API. */
public final class Browser {

    private final HttpClient http;
    private final URI base;

    public Browser(URI base) {
        this(base, null);
    }

    /** A browser that already holds the given anonymous owner cookie. */
    public Browser(URI base, String ownerCookie) {
        this.base = base;
        CookieManager cookies = new CookieManager();
        if (ownerCookie != null) {
            HttpCookie cookie = new HttpCookie("claude_sse_owner", ownerCookie);
            cookie.setPath("/");
            cookie.setVersion(0);
            cookies.getCookieStore().add(base, cookie);
        }
        this.http = HttpClient.newBuilder().cookieHandler(cookies)
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    public HttpClient http() {
        return http;
    }

    public URI uri(String path) {
        return base.resolve(path);
    }

    /** POST api/chat and start reading its event stream. */
    public EventStreamReader chat(String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri("api/chat"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return EventStreamReader.open(http, request);
    }

    /** GET the resume URL from after lastEventId. */
    public EventStreamReader resume(String messageId, long lastEventId) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri("api/chat/" + messageId + "/stream"))
                .header("Last-Event-ID", Long.toString(lastEventId)).GET().build();
        return EventStreamReader.open(http, request);
    }

    public HttpResponse<String> send(String method, String path, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> stop(String messageId) throws IOException, InterruptedException {
        return send("POST", "api/chat/" + messageId + "/stop", null, null);
    }
}
