package dev.claudesse.web;

import dev.claudesse.tokens.ApiTokens;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** Who a request belongs to: a valid token, else the container's user, else the owner cookie. */
class OwnersTest {

    static final String ALICE_TOKEN = "csse_alice";
    static final String COOKIE_ID = "browser-owner-id-000000001";

    @TempDir
    Path dir;
    ApiTokens tokens;
    final HttpServletRequest req = mock(HttpServletRequest.class);

    @BeforeEach
    void tokensFile() throws Exception {
        tokens = ApiTokens.open(Files.writeString(dir.resolve("tokens"),
                "alice " + HexFormat.of().formatHex(ApiTokens.digest(ALICE_TOKEN)) + "\n"));
    }

    void header(String name, String value) {
        when(req.getHeader(name)).thenReturn(value);
    }

    void cookie() {
        when(req.getCookies()).thenReturn(new Cookie[] {new Cookie(Owners.COOKIE, COOKIE_ID)});
    }

    @Test
    void aValidTokenIsItsOwnerInBothHeadersAndBeforeUserAndCookie() {
        header("Authorization", "Bearer " + ALICE_TOKEN);
        assertEquals("token:alice", Owners.existing(req, tokens));
        header("Authorization", "bearer   " + ALICE_TOKEN + " ");
        assertEquals("token:alice", Owners.existing(req, tokens), "the scheme is case-insensitive");
        header("Authorization", null);
        header("x-api-key", ALICE_TOKEN);
        when(req.getRemoteUser()).thenReturn("alice");
        cookie();
        assertEquals("token:alice", Owners.existing(req, tokens));
    }

    @Test
    void aWrongTokenIs401WhenNothingElseSaysWhoCalls() {
        header("x-api-key", "csse_wrong");
        ApiException refused = assertThrows(ApiException.class, () -> Owners.existing(req, tokens));
        assertEquals(401, refused.status());
        assertEquals("invalid_api_key", refused.type());
        assertTrue(refused.getMessage().contains("Authorization: Bearer"), refused.getMessage());
    }

    @Test
    void aWrongTokenIsIgnoredForACookieOrASignedInUser() {
        header("Authorization", "Bearer sk-ant-dummy-from-the-browser-sdk");
        cookie();
        assertEquals("anon:" + COOKIE_ID, Owners.existing(req, tokens));
        when(req.getRemoteUser()).thenReturn("carol");
        assertEquals("user:carol", Owners.existing(req, tokens));
    }

    @Test
    void aPagesFirstCallWithAPlaceholderKeyIsABrowserWithoutACookieYet() {
        header("Authorization", "Bearer no-key-in-the-browser");
        header("Origin", "https://app.example.com");
        assertNull(Owners.existing(req, tokens), "no owner yet: resolve() gives it a cookie");
    }

    @Test
    void theBearerIsTriedThenTheApiKey() {
        header("Authorization", "Bearer csse_wrong");
        header("x-api-key", ALICE_TOKEN);
        assertEquals("token:alice", Owners.existing(req, tokens));
    }

    @Test
    void otherAuthorizationSchemesAndBlankTokensAreNoToken() {
        header("Authorization", "Basic YWxpY2U6c2VjcmV0");
        header("x-api-key", "  ");
        assertNull(Owners.existing(req, tokens));
        header("Authorization", "Bearer ");
        assertNull(Owners.existing(req, tokens));
    }

    @Test
    void withoutATokensFileATokenIsIgnoredAsBefore() {
        header("Authorization", "Bearer " + ALICE_TOKEN);
        assertNull(Owners.existing(req, ApiTokens.NONE));
        cookie();
        assertEquals("anon:" + COOKIE_ID, Owners.existing(req, ApiTokens.NONE));
    }

    @Test
    void noTokenKeepsTodaysOwners() {
        assertNull(Owners.existing(req, tokens));
        cookie();
        assertEquals("anon:" + COOKIE_ID, Owners.existing(req, tokens));
        when(req.getRemoteUser()).thenReturn("carol");
        assertEquals("user:carol", Owners.existing(req, tokens));
    }

    @Test
    void withoutAnonymousUseOnlyATokenOrAUserIsAnOwner() {
        cookie();
        ApiException refused = assertThrows(ApiException.class, () -> Owners.existing(req, tokens, false));
        assertEquals(401, refused.status());
        assertEquals("login_required", refused.type());
        assertTrue(refused.getMessage().contains("does not serve anonymous visitors"), refused.getMessage());
        when(req.getCookies()).thenReturn(null);
        assertEquals("login_required", assertThrows(ApiException.class, () -> Owners.existing(req, tokens, false)).type(),
                "no cookie either");

        when(req.getRemoteUser()).thenReturn("carol");
        assertEquals("user:carol", Owners.existing(req, tokens, false));
        when(req.getRemoteUser()).thenReturn(null);
        header("Authorization", "Bearer " + ALICE_TOKEN);
        assertEquals("token:alice", Owners.existing(req, tokens, false));
    }

    @Test
    void withoutAnonymousUseAWrongTokenIsRefusedAsATokenEvenFromAPageWithACookie() {
        header("Authorization", "Bearer csse_wrong");
        header("Origin", "https://app.example.com");
        cookie();
        assertEquals("invalid_api_key", assertThrows(ApiException.class,
                () -> Owners.existing(req, tokens, false)).type());
        assertEquals("anon:" + COOKIE_ID, Owners.existing(req, tokens, true), "with anonymous use, as before");
    }

    @Test
    void aWaitReadsAsSecondsThenMinutes() {
        assertEquals("1 second", Owners.waitText(1));
        assertEquals("59 seconds", Owners.waitText(59));
        assertEquals("119 seconds", Owners.waitText(119));
        assertEquals("2 minutes", Owners.waitText(120));
        assertEquals("60 minutes", Owners.waitText(3600));
    }
}
