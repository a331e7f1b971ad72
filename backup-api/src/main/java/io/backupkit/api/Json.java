package io.backupkit.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Helpers for the spec's {@code <prop>: any} extension values. An extension value is one of
 * {@link String}, {@link Boolean}, {@link Integer}, {@link Long}, {@link BigInteger},
 * {@link BigDecimal}, a {@link List} of extension values, or a {@link Map} from {@link String} to
 * extension values. JSON {@code null} is read as "absent", so it is not an extension value.
 */
public final class Json {
    private Json() {
    }

    /**
     * A deep, immutable, order-keeping copy of extension properties.
     *
     * @throws IllegalArgumentException when a value is not an extension value
     */
    public static Map<String, Object> copyProperties(Map<String, ?> properties) {
        if (properties == null || properties.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        properties.forEach((name, value) -> copy.put(name, copyValue(name, value)));
        return Collections.unmodifiableMap(copy);
    }

    private static Object copyValue(String name, Object value) {
        if (value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long || value instanceof BigInteger || value instanceof BigDecimal) {
            return value;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object element : list) {
                copy.add(copyValue(name, element));
            }
            return Collections.unmodifiableList(copy);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("Extension property '" + name + "' has a non-string key");
                }
                copy.put(key, copyValue(name, entry.getValue()));
            }
            return Collections.unmodifiableMap(copy);
        }
        throw new IllegalArgumentException("Extension property '" + name + "' holds "
                + (value == null ? "null" : "a " + value.getClass().getName()) + ", not a JSON value");
    }

    /** A value as JSON text for an error message: strings quoted and escaped, the rest as is. */
    public static String render(Object value) {
        if (value instanceof String s) {
            StringBuilder out = new StringBuilder(s.length() + 2).append('"');
            int limit = Math.min(s.length(), 200);
            for (int i = 0; i < limit; i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20 || c == 0x7f) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            if (s.length() > limit) {
                out.append("...");
            }
            return out.append('"').toString();
        }
        if (value instanceof WireValue wire) {
            return render(wire.wire());
        }
        return String.valueOf(value);
    }
}
