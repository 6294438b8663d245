package dev.claudesse.web;

import dev.claudesse.store.AnswerStatus;
import dev.claudesse.store.UsageArchive;
import dev.claudesse.store.UsageReport;
import dev.claudesse.stream.Answer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GET api/usage, for operators only (see {@link Operators}; anyone else gets 403): what answers cost over the
 * last 30 days (UTC), per day by model and by owner, the answers by status, the conversations that cost most,
 * and the answers streaming now in this server. The data of usage.html; docs/usage.md describes the JSON.
 *
 * <p>GET api/usage?signin asks the container to sign the caller in (its login, e.g. BASIC: the browser asks
 * for a name and password), then sends the browser back to usage.html. The WAR itself constrains no URL, so
 * anonymous chat users are never asked to log in.
 */
public final class UsageServlet extends ApiServlet {

    static final int DAYS = 30;
    static final int TOP_OWNERS = 8;
    static final int TOP_CONVERSATIONS = 10;
    /** Running answers listed one by one; the count is always whole. */
    static final int LIVE_LISTED = 50;
    private static final String CURRENCY = "USD";

    private Operators operators;

    @Override
    public void init() {
        super.init();
        operators = Operators.of(app.settings.source());
    }

    @Override
    protected Set<String> methods() {
        return Set.of("GET");
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        boolean signIn = req.getParameter("signin") != null;
        if ((signIn || Operators.carriesLogin(req)) && !Operators.authenticate(req, resp)) {
            return; // the container answered: its challenge (a browser asks for the password), or its refusal
        }
        if (signIn) {
            // back to the page, signed in or not: it shows the figures or why not
            resp.setStatus(HttpServletResponse.SC_SEE_OTHER);
            resp.setHeader("Location", req.getContextPath() + "/usage.html");
            return;
        }
        if (!operators.allows(req, app.tokens)) {
            throw new ApiException(403, "forbidden", "Usage is for operators only: a user with the role "
                    + Operators.ROLE + ", or an API token whose owner is listed in " + Operators.SETTING + ".");
        }
        if (!(app.store instanceof UsageArchive archive)) {
            throw new ApiException(503, "store_unavailable", "This server keeps no usage figures.");
        }
        Instant now = Instant.now();
        UsageReport report = archive.usage(now, DAYS, TOP_OWNERS, TOP_CONVERSATIONS);
        Map<String, Object> body = reportJson(report);
        body.put("live", liveJson());
        body.put("generatedAt", now.toString());
        writeJson(resp, body);
    }

    static Map<String, Object> reportJson(UsageReport report) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("currency", CURRENCY);
        body.put("from", report.firstDay().atStartOfDay().toInstant(ZoneOffset.UTC).toString());
        body.put("to", report.firstDay().plusDays(report.days()).atStartOfDay().toInstant(ZoneOffset.UTC).toString());
        List<String> days = new ArrayList<>();
        for (int i = 0; i < report.days(); i++) {
            days.add(report.firstDay().plusDays(i).toString());
        }
        body.put("days", days);
        body.put("total", report.total());
        body.put("answers", report.answers());
        body.put("estimatedAnswers", report.estimatedAnswers());
        body.put("perDay", plain(report.perDay()));
        body.put("byModel", report.byModel().stream().map(s -> seriesJson(s.name(), s, false)).toList());
        List<Object> owners = new ArrayList<>();
        report.byOwner().forEach(s -> owners.add(seriesJson(Operators.shown(s.name()), s, false)));
        if (report.otherOwners() != null) {
            owners.add(seriesJson("others", report.otherOwners(), true));
        }
        body.put("byOwner", owners);
        body.put("owners", report.owners());
        Map<String, Long> statuses = new LinkedHashMap<>();
        for (AnswerStatus status : AnswerStatus.values()) {
            statuses.put(status.wireName(), report.answersByStatus().getOrDefault(status.wireName(), 0L));
        }
        body.put("answersByStatus", statuses);
        body.put("topConversations", report.topConversations().stream().map(c -> {
            Map<String, Object> conversation = new LinkedHashMap<>();
            conversation.put("id", c.id());
            conversation.put("title", c.title());
            conversation.put("owner", Operators.shown(c.owner()));
            conversation.put("cost", c.cost());
            conversation.put("answers", c.answers());
            conversation.put("messages", c.messages());
            return conversation;
        }).toList());
        return body;
    }

    private static Map<String, Object> seriesJson(String name, UsageReport.Series series, boolean others) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        if (others) {
            body.put("others", true);
        }
        body.put("total", series.total());
        body.put("answers", series.answers());
        body.put("perDay", series.perDay());
        return body;
    }

    /** What this server streams now: from the registry of answers and the pinger's open connections. */
    private Map<String, Object> liveJson() {
        List<Answer> running = new ArrayList<>();
        for (Answer answer : app.registry.all()) {
            if (!answer.isEnded()) {
                running.add(answer);
            }
        }
        running.sort(Comparator.comparing(Answer::messageId));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("runningAnswers", app.registry.running());
        body.put("openStreams", app.pinger.open());
        body.put("answers", running.stream().limit(LIVE_LISTED).map(answer -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("messageId", answer.messageId());
            one.put("conversationId", answer.conversationId());
            one.put("owner", Operators.shown(answer.owner()));
            one.put("dialect", answer.dialect().name());
            return one;
        }).toList());
        return body;
    }

    private static List<BigDecimal> plain(List<BigDecimal> amounts) {
        return amounts.stream().map(a -> a.signum() == 0 ? BigDecimal.ZERO : a.stripTrailingZeros()).toList();
    }
}
