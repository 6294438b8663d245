package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.fake.FakeClaude;
import dev.claudesse.fake.Script;
import dev.claudesse.testsupport.EmbeddedApp;
import dev.claudesse.testsupport.LogCapture;
import dev.claudesse.tokens.IssueToken;
import dev.claudesse.web.ApiTokensIT.Caller;
import dev.claudesse.web.ApiTokensIT.Endpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static dev.claudesse.testsupport.Events.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The abuse limits of issue 15 on real embedded Tomcats against the fake Claude. The test's own connections
 * come from 127.0.0.1, which the first app trusts as its proxy (as with a local nginx), so X-Forwarded-For
 * names each test's client; the second app trusts no proxy, so the header is ignored there; the third
 * refuses anonymous use and serves API tokens only.
 */
class AbuseLimitsIT {

    static final Duration T = Duration.ofSeconds(10);
    static final int ANSWERS_PER_MINUTE = 3;
    static final int NEW_OWNERS_PER_HOUR = 2;
    static final IssueToken.Issued ALICE = ApiTokensIT.issue("alice");
    static final AtomicInteger ADDRESSES = new AtomicInteger(10);

    static FakeClaude fake;
    static EmbeddedApp behindProxy;
    static EmbeddedApp direct;
    static EmbeddedApp tokensOnly;
    static LogCapture logs;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build(); // no cookie jar: each call says who it is

    @BeforeAll
    static void start() throws Exception {
        logs = LogCapture.install();
        Path dir = Files.createTempDirectory("claude-sse-limits");
        Path tokens = Files.writeString(dir.resolve("api-tokens"), ALICE.line() + "\n");
        fake = FakeClaude.start();
        Map<String, String> common = Map.of("ANTHROPIC_API_KEY", "sk-ant-test-limits",
                "ANTHROPIC_BASE_URL", fake.baseUrl().toString(), "CLAUDE_SSE_API_TOKENS_FILE", tokens.toString());
        behindProxy = EmbeddedApp.start(0, with(common, "CLAUDE_SSE_DATA_DIR", dir.resolve("proxied").toString(),
                "CLAUDE_SSE_TRUSTED_PROXIES", "127.0.0.1, ::1",
                "CLAUDE_SSE_ANSWERS_PER_MINUTE_PER_ADDRESS", Integer.toString(ANSWERS_PER_MINUTE),
                "CLAUDE_SSE_NEW_OWNERS_PER_HOUR_PER_ADDRESS", Integer.toString(NEW_OWNERS_PER_HOUR)));
        direct = EmbeddedApp.start(0, with(common, "CLAUDE_SSE_DATA_DIR", dir.resolve("direct").toString(),
                "CLAUDE_SSE_ANSWERS_PER_MINUTE_PER_ADDRESS", "2"));
        tokensOnly = EmbeddedApp.start(0, with(common, "CLAUDE_SSE_DATA_DIR", dir.resolve("closed").toString(),
                "CLAUDE_SSE_ANONYMOUS", "false"));
    }

    static Map<String, String> with(Map<String, String> common, String... more) {
        Map<String, String> settings = new HashMap<>(common);
        for (int i = 0; i < more.length; i += 2) {
            settings.put(more[i], more[i + 1]);
        }
        return settings;
    }

    @AfterAll
    static void stop() throws Exception {
        logs.uninstall();
        for (EmbeddedApp app : new EmbeddedApp[] {behindProxy, direct, tokensOnly}) {
            if (app != null) {
                app.close();
            }
        }
        fake.close();
    }

    /** A client address of its own for each use, so that the tests do not share counts. */
    static String newAddress() {
        int n = ADDRESSES.getAndIncrement();
        return "198.51." + (n / 250) + "." + (n % 250 + 1);
    }

    static Caller from(String forwardedFor) {
        return new Caller(Map.of("X-Forwarded-For", forwardedFor));
    }

    static Caller anOwner() {
        return Caller.cookie(("limits_" + UUID.randomUUID()).replace("-", "_"));
    }

    static HttpResponse<String> send(EmbeddedApp app, String method, String path, String body, Caller caller)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.baseUri() + path)).timeout(T)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        caller.headers().forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Asks one question on the endpoint; the fake answers when the app lets the question through. */
    static HttpResponse<String> ask(EmbeddedApp app, Endpoint endpoint, Caller caller) throws Exception {
        fake.clearScripts();
        fake.enqueue(Script.transcript("plain_text"));
        return send(app, "POST", endpoint.path(), endpoint.body().apply("limits " + UUID.randomUUID()), caller);
    }

    static HttpResponse<String> ask(EmbeddedApp app, Caller caller) throws Exception {
        return ask(app, ApiTokensIT.answerEndpoints().findFirst().orElseThrow(), caller);
    }

    static Stream<Endpoint> answerEndpoints() {
        return ApiTokensIT.answerEndpoints();
    }

    /** The refusal's type and message, read from the endpoint's own error shape. */
    static String[] refusal(Endpoint endpoint, HttpResponse<String> response) {
        JsonNode body = json(response.body());
        return switch (endpoint.path()) {
            case "v1/messages" -> {
                assertEquals("error", body.path("type").asText(), response.body());
                yield new String[] {body.path("error").path("type").asText(), body.path("error").path("message").asText()};
            }
            case "v1/chat/completions" -> new String[] {body.path("error").path("type").asText() + "/"
                    + body.path("error").path("code").asText(), body.path("error").path("message").asText()};
            default -> new String[] {body.path("error").path("type").asText(), body.path("error").path("message").asText()};
        };
    }

    @ParameterizedTest
    @MethodSource("answerEndpoints")
    void theAnswerPastTheLimitIs429WithRetryAfterAndAnotherAddressIsNotLimited(Endpoint endpoint) throws Exception {
        String address = newAddress();
        Caller owner = anOwner();
        for (int i = 1; i <= ANSWERS_PER_MINUTE; i++) {
            HttpResponse<String> answered = ask(behindProxy, endpoint, owner.and(from(address)));
            assertEquals(200, answered.statusCode(), "answer " + i + ": " + answered.body());
        }
        int asked = fake.requests().size();
        HttpResponse<String> refused = ask(behindProxy, endpoint, owner.and(from(address)));

        assertEquals(429, refused.statusCode(), refused.body());
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        String[] error = refusal(endpoint, refused);
        String expectedType = switch (endpoint.path()) {
            case "v1/messages" -> "rate_limit_error";
            case "v1/chat/completions" -> "rate_limit_exceeded/address_rate_limited";
            default -> "address_rate_limited";
        };
        assertEquals(expectedType, error[0], refused.body());
        assertTrue(error[1].contains("Too many answers were started from your network address")
                && error[1].contains("try again in"), error[1]);
        assertEquals(asked, fake.requests().size(), "Claude was not asked");

        HttpResponse<String> elsewhere = ask(behindProxy, endpoint, owner.and(from(newAddress())));
        assertEquals(200, elsewhere.statusCode(), "another forwarded address: " + elsewhere.body());
    }

    @Test
    void entriesTheClientWroteBeforeTheProxysAreIgnored() throws Exception {
        String address = newAddress();
        Caller owner = anOwner();
        for (int i = 1; i <= ANSWERS_PER_MINUTE; i++) {
            // nginx appends the address it saw after whatever the client sent
            assertEquals(200, ask(behindProxy, owner.and(from("203.0.113." + i + ", " + address))).statusCode());
        }
        assertEquals(429, ask(behindProxy, owner.and(from("203.0.113.99, " + address))).statusCode());
    }

    @Test
    void aForgedForwardedForFromAnUntrustedSocketIsIgnored() throws Exception {
        Caller owner = anOwner();
        assertEquals(200, ask(direct, owner.and(from(newAddress()))).statusCode());
        assertEquals(200, ask(direct, owner.and(from(newAddress()))).statusCode());
        HttpResponse<String> refused = ask(direct, owner.and(from(newAddress())));
        assertEquals(429, refused.statusCode(), "every answer counted for 127.0.0.1: " + refused.body());
        assertTrue(refused.headers().firstValue("Retry-After").isPresent());
        assertTrue(logs.text().contains("carries X-Forwarded-For, but CLAUDE_SSE_TRUSTED_PROXIES does not list"),
                "the operator is told once");
    }

    @Test
    void tokenOwnersAreNotCountedByAddress() throws Exception {
        String address = newAddress();
        for (int i = 0; i <= ANSWERS_PER_MINUTE + 1; i++) {
            HttpResponse<String> answered = ask(behindProxy, Caller.bearer(ALICE).and(from(address)));
            assertEquals(200, answered.statusCode(), answered.body());
        }
    }

    @Test
    void newOwnersPastTheLimitAre429AndKnownOwnersGoOn() throws Exception {
        String address = newAddress();
        HttpResponse<String> first = ask(behindProxy, from(address));
        assertEquals(200, first.statusCode(), first.body());
        String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        String id = cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
        for (int i = 2; i <= NEW_OWNERS_PER_HOUR; i++) {
            assertEquals(200, ask(behindProxy, from(address)).statusCode());
        }
        int asked = fake.requests().size();
        HttpResponse<String> refused = ask(behindProxy, from(address));

        assertEquals(429, refused.statusCode(), refused.body());
        JsonNode error = json(refused.body()).path("error");
        assertEquals("too_many_new_owners", error.path("type").asText());
        assertTrue(error.path("message").asText().contains("Too many new visitors"), error.toString());
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter > 3000 && retryAfter <= 3600, "about an hour: " + retryAfter);
        assertTrue(refused.headers().allValues("Set-Cookie").isEmpty(), "no owner was made");
        assertEquals(asked, fake.requests().size(), "Claude was not asked");

        assertEquals(200, ask(behindProxy, Caller.cookie(id).and(from(address))).statusCode(), "a known owner goes on");
        assertEquals(200, ask(behindProxy, from(newAddress())).statusCode(), "another address gets its owner");
    }

    @ParameterizedTest
    @MethodSource("answerEndpoints")
    void withoutAnonymousUseAnAnswerNeedsATokenOrALogin(Endpoint endpoint) throws Exception {
        int asked = fake.requests().size();
        for (Caller anonymous : new Caller[] {Caller.nobody(), anOwner()}) {
            HttpResponse<String> refused = ask(tokensOnly, endpoint, anonymous);
            assertEquals(401, refused.statusCode(), refused.body());
            assertEquals("Bearer", refused.headers().firstValue("WWW-Authenticate").orElse(""));
            assertTrue(refused.headers().allValues("Set-Cookie").isEmpty(), "no owner is made");
            String[] error = refusal(endpoint, refused);
            String expectedType = switch (endpoint.path()) {
                case "v1/messages" -> "authentication_error";
                case "v1/chat/completions" -> "authentication_error/login_required";
                default -> "login_required";
            };
            assertEquals(expectedType, error[0], refused.body());
            assertTrue(error[1].contains("does not serve anonymous visitors"), error[1]);
        }
        assertEquals(asked, fake.requests().size(), "Claude was not asked");

        HttpResponse<String> answered = ask(tokensOnly, endpoint, Caller.bearer(ALICE));
        assertEquals(200, answered.statusCode(), answered.body());
    }

    @Test
    void withoutAnonymousUseNoOwnerScopedDataIsServedToACookie() throws Exception {
        Caller cookie = anOwner();
        for (String path : new String[] {"api/conversations", "api/conversations/c1", "api/ui/chat/c1/stream",
                "api/chat/" + UUID.randomUUID() + "/stream"}) {
            HttpResponse<String> refused = send(tokensOnly, "GET", path, null, cookie);
            assertEquals(401, refused.statusCode(), path + ": " + refused.body());
            assertEquals("login_required", json(refused.body()).path("error").path("type").asText(), path);
        }
        assertEquals(200, send(tokensOnly, "GET", "api/conversations", null, Caller.bearer(ALICE)).statusCode());
        assertEquals(200, send(tokensOnly, "GET", "api/health", null, Caller.nobody()).statusCode(), "not owner-scoped");
        assertEquals(200, send(tokensOnly, "GET", "api/models", null, Caller.nobody()).statusCode(), "not owner-scoped");
        HttpResponse<String> wrongToken = send(tokensOnly, "GET", "api/conversations", null, Caller.bearer("csse_wrong"));
        assertEquals("invalid_api_key", json(wrongToken.body()).path("error").path("type").asText());
    }
}
