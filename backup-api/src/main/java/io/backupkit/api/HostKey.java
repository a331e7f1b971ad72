package io.backupkit.api;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A backup server's SSH host key as the HTTP API shows and takes it (JSON {@code host_key}), at
 * {@code /servers/items/{id}/host_key}. {@code GET} answers {@code {"fingerprint", "trusted"?}}: the
 * key the server presents now and the one the engine trusts for it. {@code PUT} takes
 * {@code {"fingerprint"}}, the key to trust ({@link #of(String)}); a {@code trusted} field sent there is
 * refused as unknown. Not a type of the specification.
 *
 * @param fingerprint {@code SHA256:} and 43 base64 characters, as {@code ssh-keygen -lf} prints it:
 *     the key presented (answer) or the key to trust (request); never null
 * @param trusted the fingerprint the engine trusts for the server, in the same form; null when it
 *     trusts none (always null in a request)
 */
public record HostKey(String fingerprint, String trusted) {
    /** The form of a fingerprint. */
    public static final Pattern FINGERPRINT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}");
    /** The rule a fingerprint that does not match {@link #FINGERPRINT} breaks. */
    public static final String FINGERPRINT_RULE =
            "must be SHA256: and 43 base64 characters, as ssh-keygen -lf prints it";

    public HostKey {
        Checker c = new Checker("host_key");
        if (c.required("fingerprint", fingerprint)) {
            fingerprint(c, "fingerprint", fingerprint);
        }
        if (trusted != null) {
            fingerprint(c, "trusted", trusted);
        }
        c.throwIfAny();
    }

    private static void fingerprint(Checker c, String field, String value) {
        if (!FINGERPRINT.matcher(value).matches()) {
            c.fail(field, FINGERPRINT_RULE, value);
        }
    }

    /** The body of a request to trust {@code fingerprint}. */
    public static HostKey of(String fingerprint) {
        return new HostKey(fingerprint, null);
    }

    /** The fingerprint trusted, if any. */
    public Optional<String> optionalTrusted() {
        return Optional.ofNullable(trusted);
    }
}
