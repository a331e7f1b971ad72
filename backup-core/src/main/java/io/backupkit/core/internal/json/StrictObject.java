package io.backupkit.core.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.backupkit.api.InvalidInputException;
import io.backupkit.api.Violation;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The fields of one JSON object of the engine's own files (the state file, an archive's header), read
 * once each and strictly: a missing required field, a wrong type, or a field left unread at
 * {@link #done()} is a {@link Mismatch} naming its path. The model's types inside are read by
 * {@link ModelTrees}.
 */
public final class StrictObject {
    private final JsonNode node;
    private final String path;
    private final Set<String> read = new HashSet<>();

    /** A document that does not have the expected shape; the message starts with the field's path. */
    public static final class Mismatch extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Mismatch(String message) {
            super(message);
        }
    }

    /** @throws Mismatch when the node is not an object */
    public StrictObject(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new Mismatch(path + ": must be an object");
        }
        this.node = node;
        this.path = path;
    }

    /** The path of this object, for messages. */
    public String path() {
        return path;
    }

    /** Whether the field is present and not null. */
    public boolean has(String name) {
        return node.hasNonNull(name);
    }

    /** The names of every field, for objects used as maps. */
    public Iterable<String> names() {
        return node::fieldNames;
    }

    private JsonNode field(String name, boolean required) {
        read.add(name);
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                throw new Mismatch(path + "." + name + ": is required");
            }
            return null;
        }
        return value;
    }

    public String text(String name, boolean required) {
        JsonNode value = field(name, required);
        if (value != null && !value.isTextual()) {
            throw new Mismatch(path + "." + name + ": must be a string");
        }
        return value == null ? null : value.textValue();
    }

    /** An integer field; 0 when absent and not required. */
    public long number(String name, boolean required) {
        JsonNode value = field(name, required);
        if (value == null) {
            return 0;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new Mismatch(path + "." + name + ": must be an integer");
        }
        return value.longValue();
    }

    public boolean bool(String name) {
        JsonNode value = field(name, true);
        if (!value.isBoolean()) {
            throw new Mismatch(path + "." + name + ": must be true or false");
        }
        return value.booleanValue();
    }

    /** An ISO-8601 instant ({@code 2026-12-08T00:10:22.330391666Z}); null when absent and not required. */
    public Instant instant(String name, boolean required) {
        String text = text(name, required);
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new Mismatch(path + "." + name + ": must be an ISO-8601 instant (got '" + text + "')");
        }
    }

    /** The elements of an array field; empty when absent. */
    public List<JsonNode> array(String name, boolean required) {
        JsonNode value = field(name, required);
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new Mismatch(path + "." + name + ": must be an array");
        }
        List<JsonNode> elements = new ArrayList<>();
        value.forEach(elements::add);
        return elements;
    }

    /** An object field; null when absent. */
    public StrictObject object(String name) {
        JsonNode value = field(name, false);
        return value == null ? null : new StrictObject(value, path + "." + name);
    }

    /** An integer field within {@code [min, max]}; {@code min} when absent and not required. */
    public long number(String name, boolean required, long min, long max) {
        if (!has(name) && !required) {
            read.add(name);
            return min;
        }
        long value = number(name, required);
        if (value < min || value > max) {
            throw new Mismatch(path + "." + name + ": must be between " + min + " and " + max + " (got " + value
                    + ")");
        }
        return value;
    }

    /** A field of a model type, read by {@link ModelTrees}; null when absent and not required. */
    public <T> T model(String name, Class<T> type, boolean required) {
        JsonNode value = field(name, required);
        return value == null ? null : model(value, path + "." + name, type);
    }

    /**
     * A value of a model type, read by {@link ModelTrees}, its first violation reported under {@code at}.
     *
     * @throws Mismatch naming the field, the rule and the value
     */
    public static <T> T model(JsonNode value, String at, Class<T> type) {
        try {
            return ModelTrees.read(value, type, false);
        } catch (InvalidInputException e) {
            Violation v = e.violations().get(0);
            throw new Mismatch(at + ": " + v.field() + " " + v.rule() + (v.value() == null ? "" : " (got " + v.value()
                    + ")"));
        }
    }

    /** Ends the reading: a field that was not read is not one of this object. */
    public void done() {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!read.contains(name)) {
                throw new Mismatch(path + "." + name + ": is not a known field");
            }
        }
    }
}
