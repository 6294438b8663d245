package dev.claudesse.fake;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The request rules of today's Claude: each refused the way Claude refuses it, before any script is taken. */
class FakeClaudeRulesTest {

    private static final String NOT_FOUND = "not_found_error";
    private static final String INVALID = "invalid_request_error";

    private FakeClaude fake;
    private HttpClient client;

    @BeforeEach
    void start() {
        fake = FakeClaude.start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void stop() {
        client.close();
        fake.close();
    }

    static Stream<Arguments> refused() {
        String enabledOnAdaptive = "thinking.type.enabled is not supported for this model. Use thinking.type.adaptive";
        String fixedSampling = "is not supported for this model. Leave temperature, top_p and top_k at their defaults";
        return Stream.of(
                // Retired models, whatever name they go by.
                arguments(body("claude-sonnet-4-20250514", 1024, ""), 404, NOT_FOUND, "model: claude-sonnet-4-20250514"),
                arguments(body("claude-sonnet-4-0", 1024, ""), 404, NOT_FOUND, "model: claude-sonnet-4-0"),
                arguments(body("claude-sonnet-4", 1024, ""), 404, NOT_FOUND, "model: claude-sonnet-4"),
                arguments(body("claude-opus-4-1", 1024, ""), 404, NOT_FOUND, "model: claude-opus-4-1"),
                arguments(body("claude-opus-4-1-20250805", 1024, ""), 404, NOT_FOUND, "model: claude-opus-4-1-20250805"),
                arguments(body("claude-3-7-sonnet-20250219", 1024, ""), 404, NOT_FOUND, "model: claude-3-7-sonnet-20250219"),
                arguments(body("claude-3-7-sonnet-latest", 1024, ""), 404, NOT_FOUND, "model: claude-3-7-sonnet-latest"),
                arguments(body("claude-3-5-haiku-20241022", 1024, ""), 404, NOT_FOUND, "model: claude-3-5-haiku-20241022"),
                arguments(body("claude-3-haiku-20240307", 1024, ""), 404, NOT_FOUND, "model: claude-3-haiku-20240307"),
                arguments(body("claude-sonnet-4-5", 1024, ""), 404, NOT_FOUND, "model: claude-sonnet-4-5"),
                arguments(body("claude-sonnet-4-5-20250929", 1024, ""), 404, NOT_FOUND, "model: claude-sonnet-4-5-20250929"),
                arguments(json("{'max_tokens':1024,'messages':[]}"), 400, INVALID, "model: Field required"),
                // Budget thinking on models that only think adaptively.
                arguments(body("claude-sonnet-5-5", 4096, ",'thinking':{'type':'enabled','budget_tokens':2048}"), 400, INVALID, enabledOnAdaptive),
                arguments(body("claude-opus-4-7", 4096, ",'thinking':{'type':'enabled','budget_tokens':2048}"), 400, INVALID, enabledOnAdaptive),
                arguments(body("claude-opus-4-8", 4096, ",'thinking':{'type':'enabled','budget_tokens':2048}"), 400, INVALID, enabledOnAdaptive),
                arguments(body("claude-opus-5-20260724", 4096, ",'thinking':{'type':'enabled','budget_tokens':2048}"), 400, INVALID, enabledOnAdaptive),
                arguments(body("claude-haiku-5-5", 4096, ",'thinking':{'type':'enabled','budget_tokens':2048}"), 400, INVALID, enabledOnAdaptive),
                arguments(body("claude-fable-5-2", 4096, ",'thinking':{'type':'enabled','budget_tokens':2048}"), 400, INVALID, enabledOnAdaptive),
                arguments(body("claude-mythos-5-1", 4096, ",'thinking':{'type':'enabled','budget_tokens':2048}"), 400, INVALID, enabledOnAdaptive),
                // Adaptive thinking on models that only take a budget.
                arguments(body("claude-haiku-4-5", 4096, ",'thinking':{'type':'adaptive'}"), 400, INVALID, "thinking.type.adaptive is not supported"),
                arguments(body("claude-opus-4-5-20251101", 4096, ",'thinking':{'type':'adaptive'}"), 400, INVALID, "thinking.type.adaptive is not supported"),
                // Thinking that cannot be turned off.
                arguments(body("claude-fable-5-2", 1024, ",'thinking':{'type':'disabled'}"), 400, INVALID, "thinking.type.disabled is not supported"),
                arguments(body("claude-mythos-5", 1024, ",'thinking':{'type':'disabled'}"), 400, INVALID, "thinking.type.disabled is not supported"),
                arguments(body("claude-opus-5-5", 1024, ",'thinking':{'type':'disabled'}"), 400, INVALID, "thinking.type.disabled is not supported"),
                arguments(body("claude-opus-5", 1024, ",'thinking':{'type':'disabled'},'output_config':{'effort':'max'}"), 400, INVALID, "effort of high or lower"),
                // Thinking shapes no model takes.
                arguments(body("claude-sonnet-5-5", 1024, ",'thinking':{'type':'adaptive','display':'full'}"), 400, INVALID, "thinking.display: Input should be 'summarized' or 'omitted'"),
                arguments(body("claude-sonnet-5-5", 1024, ",'thinking':{'type':'always'}"), 400, INVALID, "thinking.type: Input tag 'always'"),
                arguments(body("claude-sonnet-4-6", 1024, ",'thinking':{'type':'enabled','budget_tokens':512}"), 400, INVALID, "greater than or equal to 1024"),
                arguments(body("claude-sonnet-4-6", 2048, ",'thinking':{'type':'enabled','budget_tokens':2048}"), 400, INVALID, "`max_tokens` must be greater than `thinking.budget_tokens`"),
                // Sampling left at its defaults on the newest models.
                arguments(body("claude-opus-4-7", 1024, ",'temperature':0.5"), 400, INVALID, "temperature " + fixedSampling),
                arguments(body("claude-opus-5-5", 1024, ",'temperature':0"), 400, INVALID, "temperature " + fixedSampling),
                arguments(body("claude-sonnet-5-5", 1024, ",'temperature':0.5"), 400, INVALID, "temperature " + fixedSampling),
                arguments(body("claude-sonnet-5", 1024, ",'top_p':0.9"), 400, INVALID, "top_p " + fixedSampling),
                arguments(body("claude-haiku-5-5", 1024, ",'top_k':40"), 400, INVALID, "top_k " + fixedSampling),
                arguments(body("claude-fable-5-1", 1024, ",'temperature':0.7"), 400, INVALID, "temperature " + fixedSampling),
                arguments(body("claude-mythos-5-2", 1024, ",'temperature':0.7"), 400, INVALID, "temperature " + fixedSampling),
                arguments(body("claude-haiku-4-5", 4096, ",'thinking':{'type':'enabled','budget_tokens':1024},'temperature':0.5"), 400, INVALID, "`temperature` may only be set to 1 when thinking is enabled"),
                arguments(body("claude-sonnet-4-6", 1024, ",'temperature':1.5"), 400, INVALID, "temperature: Input should be between 0 and 1"),
                // Effort levels.
                arguments(body("claude-sonnet-5-5", 1024, ",'output_config':{'effort':'extreme'}"), 400, INVALID, "output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'"),
                arguments(body("claude-haiku-4-5", 1024, ",'output_config':{'effort':'low'}"), 400, INVALID, "output_config.effort: effort is not supported"),
                arguments(body("claude-opus-4-6", 1024, ",'output_config':{'effort':'xhigh'}"), 400, INVALID, "'xhigh' is not supported"),
                arguments(body("claude-sonnet-4-6", 1024, ",'output_config':{'effort':'xhigh'}"), 400, INVALID, "'xhigh' is not supported"),
                arguments(body("claude-opus-4-5", 1024, ",'output_config':{'effort':'max'}"), 400, INVALID, "Supported levels: [low, medium, high]"),
                // max_tokens above the model's largest.
                arguments(body("claude-sonnet-5-5", 128_001, ""), 400, INVALID,
                        "max_tokens: 128001 > 128000, which is the maximum allowed number of output tokens for claude-sonnet-5-5"),
                arguments(body("claude-haiku-4-5-20251001", 64_001, ""), 400, INVALID, "max_tokens: 64001 > 64000"),
                arguments(body("claude-opus-4-5", 64_001, ""), 400, INVALID, "max_tokens: 64001 > 64000"),
                arguments(body("claude-sonnet-5-5", 0, ""), 400, INVALID, "max_tokens: Input should be greater than or equal to 1"),
                // Prompt-cache breakpoints: four at most, the top-level one included, and only where they may go.
                arguments(cached("'system':[" + MARKED_TEXT + "," + MARKED_TEXT + "],'messages':["
                        + "{'role':'user','content':[" + MARKED_TEXT + "]},"
                        + "{'role':'assistant','content':[" + MARKED_TEXT + "]},"
                        + "{'role':'user','content':[" + MARKED_TEXT + "]}]"),
                        400, INVALID, "A maximum of 4 blocks with cache_control may be provided. Found 5."),
                arguments(cached("'cache_control':{'type':'ephemeral'},'system':[" + MARKED_TEXT + "," + MARKED_TEXT
                        + "],'messages':[{'role':'user','content':[" + MARKED_TEXT + "," + MARKED_TEXT + "]}]"),
                        400, INVALID, "Found 5."),
                arguments(cached("'messages':[{'role':'user','content':'q'},{'role':'assistant','content':[{'type':'thinking',"
                        + "'thinking':'t','signature':'s','cache_control':{'type':'ephemeral'}},{'type':'text','text':'a'}]},"
                        + "{'role':'user','content':'q2'}]"), 400, INVALID, "cache_control cannot be set on thinking blocks"),
                arguments(cached("'messages':[{'role':'user','content':[{'type':'text','text':'','cache_control':"
                        + "{'type':'ephemeral'}}]}]"), 400, INVALID, "cache_control cannot be set for empty text blocks"),
                arguments(cached("'messages':[{'role':'user','content':[{'type':'text','text':'q','cache_control':"
                        + "{'type':'persistent'}}]}]"), 400, INVALID, "cache_control.type: Input should be 'ephemeral'"),
                arguments(cached("'messages':[{'role':'user','content':[{'type':'text','text':'q','cache_control':"
                        + "{'type':'ephemeral','ttl':'10m'}}]}]"), 400, INVALID, "ttl: Input should be '5m' or '1h'"),
                arguments(cached("'system':[" + MARKED_TEXT + "],'messages':[{'role':'user','content':[{'type':'text',"
                        + "'text':'q','cache_control':{'type':'ephemeral','ttl':'1h'}}]}]"), 400, INVALID,
                        "a ttl='1h' cache_control block must not come after a ttl='5m'"),
                arguments("not json", 400, INVALID, "There was an error parsing the body"));
    }

    static Stream<String> accepted() {
        return Stream.of(
                body("claude-sonnet-5-5", 128_000, ",'thinking':{'type':'adaptive','display':'summarized'},'output_config':{'effort':'xhigh'},'temperature':1"),
                body("claude-sonnet-5-5", 1024, ",'thinking':{'type':'disabled'},'top_p':1"),
                body("claude-opus-5-5", 1024, ",'thinking':{'type':'adaptive'},'output_config':{'effort':'max'}"),
                body("claude-opus-5", 1024, ",'thinking':{'type':'disabled'},'output_config':{'effort':'high'}"),
                body("claude-opus-4-7", 1024, ",'temperature':null"),
                body("claude-opus-4-8", 128_000, ",'thinking':{'type':'adaptive','display':'omitted'}"),
                body("claude-haiku-5-5", 1024, ",'output_config':{'effort':'medium'}"),
                body("claude-fable-5-2", 128_000, ",'thinking':{'type':'adaptive','display':'summarized'},'output_config':{'effort':'max'}"),
                body("claude-mythos-5-2", 1024, ",'thinking':{'type':'adaptive'}"),
                body("claude-opus-4-6", 4096, ",'thinking':{'type':'enabled','budget_tokens':2048},'top_p':0.95,'output_config':{'effort':'max'}"),
                body("claude-opus-4-6", 4096, ",'temperature':0.3"),
                body("claude-sonnet-4-6", 128_000, ",'thinking':{'type':'adaptive'},'output_config':{'effort':'high'},'top_k':40"),
                body("claude-haiku-4-5-20251001", 64_000, ",'thinking':{'type':'enabled','budget_tokens':1024},'temperature':1"),
                body("claude-haiku-4-5", 1024, ",'thinking':{'type':'disabled'},'temperature':0.2"),
                body("claude-opus-4-5-20251101", 64_000, ",'output_config':{'effort':'medium'}"),
                // Prompt-cache breakpoints where Claude takes them: on the last block of the answer before the question
                // (what the product sends), four of them, on files and tool blocks, 1-hour ones first.
                cached("'messages':[{'role':'user','content':'q'},{'role':'assistant','content':[" + MARKED_TEXT
                        + "]},{'role':'user','content':'q2'}]"),
                cached("'system':[" + MARKED_TEXT + "],'messages':[{'role':'user','content':[" + MARKED_TEXT + "]},"
                        + "{'role':'assistant','content':[" + MARKED_TEXT + "]},{'role':'user','content':[" + MARKED_TEXT + "]}]"),
                cached("'cache_control':{'type':'ephemeral'},'messages':[{'role':'user','content':[{'type':'image','source':"
                        + "{'type':'url','url':'https://example.com/a.png'},'cache_control':{'type':'ephemeral','ttl':'1h'}},"
                        + "{'type':'text','text':'what is it?'}]}]"),
                cached("'messages':[{'role':'user','content':'weather?'},{'role':'assistant','content':[{'type':'tool_use',"
                        + "'id':'toolu_1','name':'w','input':{},'cache_control':{'type':'ephemeral'}}]},{'role':'user','content':"
                        + "[{'type':'tool_result','tool_use_id':'toolu_1','content':[" + MARKED_TEXT + "]}]}]"),
                // Ids the fake does not know go through: tests use made-up ids.
                body("my-odd-model", 999_999, ",'thinking':{'type':'enabled','budget_tokens':1024},'output_config':{'effort':'xhigh'}"),
                body("my-odd-model", 64, ",'temperature':0.7,'top_k':5"));
    }

    @ParameterizedTest
    @MethodSource
    void refused(String body, int status, String type, String message) throws Exception {
        fake.enqueue(Script.transcript("plain_text"));

        HttpResponse<String> response = send(body);

        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        var error = TranscriptFacts.parse(response.body());
        assertEquals("error", error.path("type").asText());
        assertEquals(type, error.path("error").path("type").asText());
        assertTrue(error.path("error").path("message").asText().contains(message), error.toString());
        assertEquals("req_fake_1", error.path("request_id").asText());
        assertEquals(1, fake.pendingScripts(), "a refused request takes no script");
        assertEquals(0, fake.unservedRequests());
        RefusedRequest refusal = fake.refusedRequests().getFirst();
        assertEquals(fake.requests().getFirst(), refusal.request(), "the refused request is recorded too");
        assertEquals(status, refusal.status());
        assertEquals(type, refusal.type());
        assertEquals(error.path("error").path("message").asText(), refusal.reason());
    }

    @ParameterizedTest
    @MethodSource
    void accepted(String body) throws Exception {
        fake.enqueue(Script.transcript("plain_text"));

        HttpResponse<String> response = send(body);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(0, fake.pendingScripts());
        assertEquals(0, fake.refusedRequests().size());
    }

    @Test
    void theScriptARefusedRequestLeftGoesToTheNextRequest() throws Exception {
        fake.enqueue(Script.transcript("refusal"));

        assertEquals(400, send(body("claude-opus-5-5", 1024, ",'temperature':0.2")).statusCode());
        assertEquals(404, send(body("claude-sonnet-4-5", 1024, "")).statusCode());
        HttpResponse<byte[]> served = client.send(post(body("claude-opus-5-5", 1024, "")),
                HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(200, served.statusCode());
        assertArrayEquals(Script.transcriptBytes("refusal"), served.body());
        assertEquals(3, fake.requests().size());
        assertEquals(2, fake.refusedRequests().size());
        assertEquals(0, fake.pendingScripts());
        assertEquals(0, fake.unservedRequests());
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude-sonnet-4-5", "claude-sonnet-4-20250514", "claude-3-haiku-20240307"})
    void strictModelsOffLetsRetiredModelsThrough(String model) throws Exception {
        fake.strictModels(false);
        fake.enqueue(Script.transcript("plain_text"));

        assertEquals(200, send(body(model, 1024, "")).statusCode());
        assertEquals(0, fake.refusedRequests().size());
    }

    @Test
    void strictModelsOffLetsAMissingModelThrough() throws Exception {
        fake.strictModels(false);
        fake.enqueue(Script.transcript("plain_text"));

        assertEquals(200, send(json("{'max_tokens':1024,'messages':[]}")).statusCode());
    }

    @Test
    void strictModelsOffStillChecksTheOtherRules() throws Exception {
        fake.strictModels(false);
        fake.enqueue(Script.transcript("plain_text"));

        HttpResponse<String> response = send(body("claude-sonnet-4-5-20250929", 1024, ",'output_config':{'effort':'high'}"));

        assertEquals(400, response.statusCode());
        assertEquals(1, fake.pendingScripts());
        assertEquals(400, send(body("claude-sonnet-4-5", 65_000, "")).statusCode(), "Sonnet 4.5 writes at most 64K");
        assertEquals(400, send(body("claude-sonnet-4-5", 4096, ",'thinking':{'type':'adaptive'}")).statusCode());
    }

    @Test
    void anEmptyQueueIsStillA500AfterTheRulesPass() throws Exception {
        HttpResponse<String> response = send(body("claude-sonnet-5-5", 1024, ""));

        assertEquals(500, response.statusCode());
        assertEquals(1, fake.unservedRequests());
        assertEquals(0, fake.refusedRequests().size());
    }

    /** A text block with a 5-minute breakpoint. */
    private static final String MARKED_TEXT = "{'type':'text','text':'long enough','cache_control':{'type':'ephemeral'}}";

    /** A body of claude-sonnet-5-5 with the given system and messages fields (single quotes as in body). */
    private static String cached(String fields) {
        return json("{'model':'claude-sonnet-5-5','max_tokens':1024,'stream':true," + fields + "}");
    }

    /** A messages body; single quotes stand for double quotes, to keep the cases readable. */
    private static String body(String model, int maxTokens, String more) {
        return json("{'model':'" + model + "','max_tokens':" + maxTokens
                + ",'stream':true,'messages':[{'role':'user','content':'hi'}]" + more + "}");
    }

    private static String json(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    private HttpResponse<String> send(String body) throws Exception {
        return client.send(post(body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest post(String body) {
        return HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/v1/messages"))
                .header("x-api-key", "sk-ant-test")
                .header("anthropic-version", "2023-06-01")
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }
}
