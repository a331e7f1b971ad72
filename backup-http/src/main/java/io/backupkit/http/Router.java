package io.backupkit.http;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps a method and the path segments below the API's base to a handler. A template is a path of
 * literal segments and {@code {name}} parameters, e.g. {@code /servers/items/{id}}; each parameter
 * matches exactly one non-empty segment. Adding a resource is one {@link #add} per verb.
 */
final class Router {
    /** Serves one matched request. */
    @FunctionalInterface
    interface Handler {
        Response handle(Request request) throws IOException;
    }

    /** The outcome of {@link #match}. */
    sealed interface Match {
    }

    /** A route matched: its handler and the path parameters by name. */
    record Found(Handler handler, Map<String, String> parameters) implements Match {
    }

    /** The path is known but not with this method. */
    record MethodNotAllowed(Set<String> allowed) implements Match {
    }

    /** No route has this path. */
    record NotFound() implements Match {
    }

    private record Route(String method, List<String> template, Handler handler) {
    }

    private final List<Route> routes = new ArrayList<>();

    /** Adds a route; {@code template} starts with {@code /}. */
    Router add(String method, String template, Handler handler) {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("Template '" + template + "' must start with '/'");
        }
        routes.add(new Route(method, List.of(template.substring(1).split("/", -1)), handler));
        return this;
    }

    Match match(String method, List<String> segments) {
        Set<String> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            Map<String, String> parameters = parameters(route.template(), segments);
            if (parameters == null) {
                continue;
            }
            if (route.method().equals(method)) {
                return new Found(route.handler(), parameters);
            }
            allowed.add(route.method());
        }
        return allowed.isEmpty() ? new NotFound() : new MethodNotAllowed(allowed);
    }

    private static Map<String, String> parameters(List<String> template, List<String> segments) {
        if (template.size() != segments.size()) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String part = template.get(i);
            String segment = segments.get(i);
            if (part.startsWith("{") && part.endsWith("}")) {
                if (segment.isEmpty()) {
                    return null;
                }
                parameters.put(part.substring(1, part.length() - 1), segment);
            } else if (!part.equals(segment)) {
                return null;
            }
        }
        return parameters;
    }
}
