package dev.claudesse.web;

import dev.claudesse.config.SettingsSource;
import dev.claudesse.tokens.ApiTokens;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.util.HexFormat;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** Who is an operator: the container role, or a token of an owner the setting lists; nobody else. */
class OperatorsTest {

    static final String OPS_TOKEN = "csse_ops";
    static final String ALICE_TOKEN = "csse_alice";

    @TempDir
    Path dir;
    ApiTokens tokens;
    final Operators operators = Operators.of(new SettingsSource(Map.of(Operators.SETTING, " ops , monitoring,")::get));
    final HttpServletRequest req = mock(HttpServletRequest.class);

    @BeforeEach
    void tokensFile() throws Exception {
        tokens = ApiTokens.open(Files.writeString(dir.resolve("tokens"),
                "ops " + HexFormat.of().formatHex(ApiTokens.digest(OPS_TOKEN)) + "\n"
                        + "alice " + HexFormat.of().formatHex(ApiTokens.digest(ALICE_TOKEN)) + "\n"));
    }

    void signedIn(String user, boolean operator) {
        Principal principal = () -> user;
        when(req.getUserPrincipal()).thenReturn(principal);
        when(req.getRemoteUser()).thenReturn(user);
        when(req.isUserInRole(Operators.ROLE)).thenReturn(operator);
    }

    @Test
    void aUserInTheRoleIsAnOperator() {
        signedIn("boss", true);
        assertTrue(operators.allows(req, tokens));
    }

    @Test
    void aTokenOfAListedOwnerIsAnOperatorsInEitherHeader() {
        when(req.getHeader("Authorization")).thenReturn("Bearer " + OPS_TOKEN);
        assertTrue(operators.allows(req, tokens));
        when(req.getHeader("Authorization")).thenReturn(null);
        when(req.getHeader("x-api-key")).thenReturn(OPS_TOKEN);
        assertTrue(operators.allows(req, tokens));
    }

    @Test
    void nobodyElseIs() {
        assertFalse(operators.allows(req, tokens), "no one at all");
        when(req.getCookies()).thenReturn(new Cookie[] {new Cookie(Owners.COOKIE, "browser-owner-id-000000001")});
        assertFalse(operators.allows(req, tokens), "an anonymous owner");
        when(req.getHeader("Authorization")).thenReturn("Bearer " + ALICE_TOKEN);
        assertFalse(operators.allows(req, tokens), "a token of an owner not listed");
        signedIn("carol", false);
        when(req.getHeader("Authorization")).thenReturn(null);
        assertFalse(operators.allows(req, tokens), "a user without the role");
        assertFalse(new Operators(java.util.Set.of()).allows(req, tokens));
    }

    @Test
    void aUserNamedLikeAListedTokenOwnerIsNoOperator() {
        signedIn("ops", false);
        assertFalse(operators.allows(req, tokens));
    }

    @Test
    void anUnknownTokenIs401AsEverywhere() {
        when(req.getHeader("Authorization")).thenReturn("Bearer csse_wrong");
        ApiException refused = assertThrows(ApiException.class, () -> operators.allows(req, tokens));
        assertEquals(401, refused.status());
    }

    @Test
    void credentialsForTheContainerAreAnyAuthorizationButBearerWhileNobodyIsSignedIn() {
        when(req.getHeader("Authorization")).thenReturn("Basic Ym9zczpwYXNzd29yZA==");
        assertTrue(Operators.carriesLogin(req));
        when(req.getHeader("Authorization")).thenReturn("bearer " + OPS_TOKEN);
        assertFalse(Operators.carriesLogin(req));
        when(req.getHeader("Authorization")).thenReturn(null);
        assertFalse(Operators.carriesLogin(req));
        when(req.getHeader("Authorization")).thenReturn("Basic Ym9zczpwYXNzd29yZA==");
        signedIn("boss", true);
        assertFalse(Operators.carriesLogin(req), "already signed in");
    }

    @Test
    void anAnonymousOwnerIsShownAsADigestOfItsCookieOthersAsThemselves() {
        String shown = Operators.shown("anon:browser-owner-id-000000001");
        assertTrue(shown.matches("anon:#[0-9a-f]{10}"), shown);
        assertFalse(shown.contains("browser-owner-id"));
        assertEquals(shown, Operators.shown("anon:browser-owner-id-000000001"), "the same owner, the same name");
        assertFalse(shown.equals(Operators.shown("anon:browser-owner-id-000000002")));
        assertEquals("user:alice", Operators.shown("user:alice"));
        assertEquals("token:ops", Operators.shown("token:ops"));
    }
}
