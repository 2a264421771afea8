package org.openvdi.broker.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The HTML error page on its own: what it shows of a hostile address is escaped, visible and short. */
class ErrorPageTest {

    @Test
    void givenMarkupAndQuotesInTheAddress_whenRendered_thenTheyAreEscaped() {
        String page = ErrorPage.render(404, "/<script>alert(1)</script>\"'><img src=x onerror=alert(2)>&amp;");
        assertThat(page).doesNotContain("<script>", "<img", "\"'>").contains("&lt;script&gt;", "&quot;", "&#39;",
                "&amp;amp;");
        assertThat(page).contains("404 · Page not found", "href=\"/css/app.css\"", "id=\"back\" href=\"/\"");
    }

    @Test
    void givenControlBidiAndInvisibleCharacters_whenRendered_thenEachShowsAsAQuestionMark() {
        String shown = ErrorPage.shown("/a\u202Eb\u200Bc\u0000d\r\ne\u2028f\uE000g\uD800");
        assertThat(shown).isEqualTo("/a?b?c?d??e?f?g?");
        assertThat(ErrorPage.render(404, "/a\u202Eb\u2066c\u0007")).doesNotContain("\u202E", "\u2066", "\u0007");
    }

    @Test
    void givenAVeryLongAddress_whenRendered_thenItIsCut() {
        String shown = ErrorPage.shown("/" + "x".repeat(100_000));
        assertThat(shown).hasSize(ErrorPage.MAX_SHOWN_PATH + 1).endsWith("…");
        assertThat(ErrorPage.render(404, "/" + "\uD83D\uDE00".repeat(500)).length()).isLessThan(3000);
    }

    @Test
    void givenEachStatus_whenRendered_thenTheStatusAndWordsFitAndThereIsNoScriptOrInlineStyle() {
        for (int status : new int[] {400, 403, 404, 405, 409, 429, 500, 503, 599}) {
            String page = ErrorPage.render(status, "/x");
            assertThat(page).contains("data-status=\"" + status + "\"", status + " · ")
                    .doesNotContain("<script", "style=", "<style", "Exception", "at org.");
        }
        assertThat(ErrorPage.render(403, "/admin")).contains("Not allowed");
        assertThat(ErrorPage.render(500, "/x")).contains("Something went wrong");
    }
}
