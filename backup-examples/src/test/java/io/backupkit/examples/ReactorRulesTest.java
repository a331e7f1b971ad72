package io.backupkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering the published artifacts keep, checked on the main sources of the whole reactor (Maven
 * runs this test in backup-examples' directory; the reactor is the top-most directory above it with a
 * pom.xml). Every failure lists each offending file and line.
 *
 * <p>Not JPMS: a core {@code module-info} that does not export {@code internal} would need module
 * descriptors or {@code --add-exports} for every consumer and test that runs on the module path, with
 * dependencies (sshj, ical4j, zstd-jni) that are automatic modules at best; and it could not say the
 * other two rules ({@code System.Logger} is in {@code java.base}).
 */
final class ReactorRulesTest {
    private static SourceRules rules;

    @BeforeAll
    static void scanTheReactor() throws IOException {
        rules = SourceRules.ofReactorAbove(Path.of(""));
    }

    @Test
    void scansTheMainSourcesOfEveryArtifact() {
        assertThat(rules.sources()).extracting(SourceRules.Source::artifact).contains("backup-api", "backup-core",
                "backup-testkit", "backup-module-testkit", "backup-modules", "backup-transport-sftp", "backup-http",
                "backup-examples", "backup-bench");
    }

    @Test
    void onlyCoreNamesCoreInternal() {
        assertNone(rules.coreInternalOutsideCore(), "main code outside backup-core names io.backupkit.core.internal");
    }

    @Test
    void apiDependsOnTheJdkAndItsOwnPackagesOnly() {
        assertNone(rules.apiBeyondTheJdk(),
                "backup-api's main code uses something outside java.*, javax.*, io.backupkit.api and io.backupkit.spi");
    }

    @Test
    void mainCodeLogsThroughSlf4jOnly() {
        assertNone(rules.jdkLogging(), "main code logs through System.Logger or java.util.logging instead of SLF4J");
    }

    private static void assertNone(List<String> violations, String what) {
        assertThat(violations)
                .withFailMessage("%s (reactor %s):%n%s", what, rules.root(), String.join("\n", violations))
                .isEmpty();
    }
}
