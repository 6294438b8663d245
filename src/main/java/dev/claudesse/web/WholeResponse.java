package dev.claudesse.web;

import dev.claudesse.stream.Answer;
import dev.claudesse.stream.EventLog;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The response of a dialect whose client asked for one JSON body (stream: false): the container thread is
 * let go at once, a virtual thread waits for the answer's end and sends the body its dialect wrote, with
 * the dialect's status. The answer runs to its end and is saved even if the client leaves meanwhile (a
 * silent connection shows no departure).
 */
final class WholeResponse implements AsyncListener {

    private static final Logger LOG = Logger.getLogger(WholeResponse.class.getName());
    private static final Duration CONTAINER_STOP_GRACE = Duration.ofSeconds(2);

    private final AsyncContext async;
    private final Answer answer;
    private final App app;

    private WholeResponse(AsyncContext async, Answer answer, App app) {
        this.async = async;
        this.answer = answer;
        this.app = app;
    }

    static void send(HttpServletRequest req, Answer answer, App app) {
        AsyncContext async = req.startAsync();
        async.setTimeout(0);
        WholeResponse response = new WholeResponse(async, answer, app);
        async.addListener(response);
        answer.follow();
        app.executor.execute(response::awaitAndWrite);
    }

    private void awaitAndWrite() {
        HttpServletResponse resp = (HttpServletResponse) async.getResponse();
        try {
            while (!answer.awaitEnd(Duration.ofMinutes(1))) {
                // Claude may take minutes for a long answer; the shutdown ends it
            }
            EventLog.Snapshot frames = answer.log().snapshot();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int i = 0; i < frames.size(); i++) {
                frames.writeTo(body, i);
            }
            resp.setStatus(answer.responseStatus());
            resp.setContentType("application/json;charset=UTF-8");
            resp.setHeader("Cache-Control", "no-store");
            answer.dialect().headers().forEach(resp::setHeader);
            resp.setContentLength(body.size());
            body.writeTo(resp.getOutputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "a whole response could not be sent", e); // the client left, or the container stopped
        } finally {
            answer.unfollow();
            try {
                async.complete();
            } catch (IllegalStateException e) {
                // the container already ended the request
            }
        }
    }

    /** Our timeout is 0 (never): a timeout means the webapp is stopping, so drain, then end the answers. */
    @Override
    public void onTimeout(AsyncEvent event) throws IOException {
        app.drainThenEnd();
        try {
            answer.awaitEnd(CONTAINER_STOP_GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
    }

    @Override
    public void onError(AsyncEvent event) {
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }
}
