package org.openvdi.broker.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Another origin (127.0.0.1 on its own port, while the broker is browsed as localhost): pages that make
 * the visiting browser write to the broker, each form submitting itself at once, the fetch page trying
 * every write with the browser's credentials and setting its title to "done" when all have settled.
 */
public final class AttackerSite implements AutoCloseable {

    /** One self-submitting form: where it posts, how it encodes, and its one field. */
    public record Form(String action, String enctype, String field, String value) {
    }

    /** One fetch() with the browser's credentials: no-cors sends it blind, cors asks first (preflight). */
    public record Fetch(String url, String mode, String contentType, String body) {
    }

    private final HttpServer server;
    private final List<Form> forms;
    private final List<Fetch> fetches;

    public AttackerSite(List<Form> forms, List<Fetch> fetches) throws IOException {
        this.forms = forms;
        this.fetches = fetches;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/form", this::form);
        server.createContext("/fetch", this::fetch);
        server.start();
    }

    public String formPage(int index) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/form?" + index;
    }

    public String fetchPage() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/fetch";
    }

    private void form(HttpExchange exchange) throws IOException {
        Form form = forms.get(Integer.parseInt(exchange.getRequestURI().getQuery()));
        page(exchange, "<form id='f' method='post' action='" + form.action() + "' enctype='" + form.enctype()
                + "'><input name='" + escape(form.field()) + "' value='" + escape(form.value()) + "'></form>"
                + "<script>document.getElementById('f').submit()</script>");
    }

    private void fetch(HttpExchange exchange) throws IOException {
        StringBuilder calls = new StringBuilder();
        for (Fetch fetch : fetches) {
            calls.append("fetch('").append(fetch.url()).append("', {method: 'POST', credentials: 'include', mode: '")
                    .append(fetch.mode()).append("'")
                    .append(fetch.contentType() == null ? "" : ", headers: {'Content-Type': '" + fetch.contentType() + "'}")
                    .append(fetch.body() == null ? "" : ", body: '" + fetch.body().replace("'", "\\'") + "'")
                    .append("}).catch(e => null),\n");
        }
        page(exchange, "<script>Promise.all([" + calls + "]).then(() => document.title = 'done')</script>");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;");
    }

    private static void page(HttpExchange exchange, String body) throws IOException {
        byte[] html = ("<!doctype html><html><head><title>win a prize</title></head><body>" + body + "</body></html>")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(200, html.length);
        exchange.getResponseBody().write(html);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
