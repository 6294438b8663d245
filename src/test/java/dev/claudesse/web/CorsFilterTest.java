package dev.claudesse.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

class CorsFilterTest {

    static final String APP = "https://app.example.com";

    final HttpServletRequest req = mock(HttpServletRequest.class);
    final HttpServletResponse resp = mock(HttpServletResponse.class);
    final FilterChain chain = mock(FilterChain.class);
    final ByteArrayOutputStream body = new ByteArrayOutputStream();

    private CorsFilter filter(String origins) {
        return new CorsFilter(Map.of(CorsFilter.SETTING, origins)::get);
    }

    private void request(String method, String origin, String preflightMethod) throws Exception {
        when(req.getMethod()).thenReturn(method);
        when(req.getHeader("Origin")).thenReturn(origin);
        when(req.getHeader("Access-Control-Request-Method")).thenReturn(preflightMethod);
        when(resp.getOutputStream()).thenReturn(new ServletOutputStream() {
            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
            }

            @Override
            public void write(int b) {
                body.write(b);
            }
        });
    }

    @Test
    void anAllowedOriginIsEchoedWithCredentialsAndVary() throws Exception {
        request("POST", APP, null);
        filter("https://other.example.org, " + APP).doFilter(req, resp, chain);
        verify(resp).setHeader("Access-Control-Allow-Origin", APP);
        verify(resp).setHeader("Access-Control-Allow-Credentials", "true");
        verify(resp).addHeader("Vary", "Origin");
        verify(chain).doFilter(req, resp);
        verify(resp, never()).setHeader("Access-Control-Allow-Methods", CorsFilter.METHODS);
    }

    @Test
    void theOriginIsComparedAsBrowsersSendIt() throws Exception {
        request("GET", APP, null);
        filter("HTTPS://App.Example.com/").doFilter(req, resp, chain);
        verify(resp).setHeader("Access-Control-Allow-Origin", APP);
    }

    @Test
    void aPreflightFromAnAllowedOriginIsAnsweredHere() throws Exception {
        request("OPTIONS", APP, "POST");
        filter(APP).doFilter(req, resp, chain);
        verify(resp).setStatus(204);
        verify(resp).setHeader("Access-Control-Allow-Origin", APP);
        verify(resp).setHeader("Access-Control-Allow-Credentials", "true");
        verify(resp).setHeader("Access-Control-Allow-Methods", "GET, POST, PATCH, DELETE, OPTIONS");
        verify(resp).setHeader("Access-Control-Allow-Headers", "Content-Type, Last-Event-ID");
        verify(resp).setHeader("Access-Control-Max-Age", "600");
        verify(chain, never()).doFilter(req, resp);
    }

    @Test
    void aDisallowedOriginGetsNoCorsHeaders() throws Exception {
        request("POST", "https://evil.example.net", null);
        filter(APP).doFilter(req, resp, chain);
        verify(chain).doFilter(req, resp);
        verify(resp, never()).setHeader(org.mockito.ArgumentMatchers.startsWith("Access-Control-"), anyString());
    }

    @Test
    void aPreflightFromADisallowedOriginIsRefusedWithJson() throws Exception {
        request("OPTIONS", "https://evil.example.net", "POST");
        filter(APP).doFilter(req, resp, chain);
        verify(resp).setStatus(403);
        verify(resp).setContentType("application/json;charset=UTF-8");
        verify(resp, never()).setHeader(org.mockito.ArgumentMatchers.startsWith("Access-Control-"), anyString());
        verify(chain, never()).doFilter(req, resp);
        String json = body.toString(StandardCharsets.UTF_8);
        assertTrue(json.contains("\"type\":\"origin_not_allowed\""), json);
    }

    @Test
    void aPortMakesAnotherOrigin() throws Exception {
        request("OPTIONS", APP + ":8443", "POST");
        filter(APP).doFilter(req, resp, chain);
        verify(resp).setStatus(403);
    }

    @Test
    void withoutTheSettingNothingIsAddedEvenForAPreflight() throws Exception {
        request("OPTIONS", APP, "POST");
        filter("").doFilter(req, resp, chain);
        verify(chain).doFilter(req, resp);
        verify(resp, never()).setHeader(anyString(), anyString());
        verify(resp, never()).addHeader(anyString(), anyString());
        verify(resp, never()).setStatus(org.mockito.ArgumentMatchers.anyInt());
    }

    @Test
    void aRequestWithoutOriginIsLeftAlone() throws Exception {
        request("GET", null, null);
        filter(APP).doFilter(req, resp, chain);
        verify(chain).doFilter(req, resp);
        verify(resp, never()).setHeader(anyString(), anyString());
    }

    @Test
    void wildcardsAndNonOriginsAreRefusedAtStartup() {
        for (String bad : new String[]{"*", "null", "app.example.com", "https://app.example.com/path",
                "ftp://app.example.com", "https://user@app.example.com"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> filter(bad), bad);
            assertTrue(e.getMessage().contains("CLAUDE_SSE_CORS_ORIGINS"), e.getMessage());
        }
    }

    @Test
    void theFilterInitParameterComesBeforeTheContextParameter() throws Exception {
        FilterConfig config = mock(FilterConfig.class);
        ServletContext context = mock(ServletContext.class);
        when(config.getServletContext()).thenReturn(context);
        when(context.getInitParameter(CorsFilter.SETTING)).thenReturn("https://context.example.com");
        CorsFilter filter = new CorsFilter();
        filter.init(config);
        request("GET", "https://context.example.com", null);
        filter.doFilter(req, resp, chain);
        verify(resp).setHeader("Access-Control-Allow-Origin", "https://context.example.com");

        when(config.getInitParameter(CorsFilter.SETTING)).thenReturn(APP);
        filter.init(config);
        HttpServletResponse other = mock(HttpServletResponse.class);
        filter.doFilter(req, other, chain);
        verify(other, never()).setHeader(anyString(), anyString());
    }
}
