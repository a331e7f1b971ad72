package io.backupkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules of {@link ReactorRulesTest} find what they should, on a small reactor written by the test. */
final class SourceRulesTest {
    @TempDir
    Path root;

    private void pom(String dir, String artifactId, String... modules) throws IOException {
        StringBuilder pom = new StringBuilder("<project>\n  <!-- <module>commented-out</module> -->\n")
                .append("  <parent>\n    <artifactId>parent</artifactId>\n  </parent>\n")
                .append("  <artifactId>").append(artifactId).append("</artifactId>\n  <modules>\n");
        for (String module : modules) {
            pom.append("    <module>").append(module).append("</module>\n");
        }
        Files.createDirectories(root.resolve(dir));
        Files.writeString(root.resolve(dir).resolve("pom.xml"), pom.append("  </modules>\n</project>\n"));
    }

    private void source(String file, String text) throws IOException {
        Path path = root.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
    }

    private SourceRules reactor() throws IOException {
        pom(".", "parent", "api", "core", "plugins");
        pom("api", "backup-api");
        pom("core", "backup-core");
        pom("plugins", "plugins", "one");
        pom("plugins/one", "plugin-one");
        return SourceRules.ofReactorAbove(root.resolve("plugins/one"));
    }

    @Test
    void findsTheReactorAboveAndItsNestedModules() throws IOException {
        source("api/src/main/java/A.java", "class A {}");
        source("plugins/one/src/main/java/p/B.java", "class B {}");
        source("plugins/one/src/test/java/p/BTest.java", "class BTest {}");

        SourceRules rules = reactor();

        assertThat(rules.root()).isEqualTo(root.toAbsolutePath().normalize());
        assertThat(rules.sources()).extracting(s -> s.artifact() + " " + s.path().toString().replace('\\', '/'))
                .containsExactly("backup-api api/src/main/java/A.java",
                        "plugin-one plugins/one/src/main/java/p/B.java");
    }

    @Test
    void reportsCoreInternalOutsideCoreButNotInCoreOrInComments() throws IOException {
        source("core/src/main/java/io/backupkit/core/E.java", "import io.backupkit.core.internal.X;\nclass E {}");
        source("plugins/one/src/main/java/p/B.java", """
                package p;

                import io.backupkit.core.internal.archive.Digests; // the import
                /** Not like io.backupkit.core.internal.Y: a comment. */
                class B {
                    Object x = io.backupkit.core.internal.keys.RsaKeys.class; // inline
                    String y = "io.backupkit.core.internal.Z"; /* io.backupkit.core.internal */
                    String z = "io.backupkit.core.internals"; // another package
                }
                """);

        assertThat(reactor().coreInternalOutsideCore()).containsExactly(
                "plugins/one/src/main/java/p/B.java:3: names io.backupkit.core.internal outside backup-core: "
                        + "import io.backupkit.core.internal.archive.Digests;",
                "plugins/one/src/main/java/p/B.java:6: names io.backupkit.core.internal outside backup-core: "
                        + "Object x = io.backupkit.core.internal.keys.RsaKeys.class;",
                "plugins/one/src/main/java/p/B.java:7: names io.backupkit.core.internal outside backup-core: "
                        + "String y = \"io.backupkit.core.internal.Z\";");
    }

    @Test
    void reportsWhatTheApiUsesBeyondTheJdkAndItsOwnPackages() throws IOException {
        source("api/src/main/java/io/backupkit/spi/S.java", """
                package io.backupkit.spi;

                import static java.util.Objects.requireNonNull;

                import io.backupkit.api.Server;
                import io.backupkit.core.BackupEngine;
                import java.util.List;
                import javax.annotation.processing.Generated;
                import org.slf4j.*;
                import static com.google.common.base.Preconditions.checkArgument;

                /** Uses {@link org.apache.Foo} in a comment only. */
                final class S {
                    List<String> names = java.util.List.of("x");
                    Object engine = io.backupkit.core.internal.keys.RsaKeys.class;
                    Object slf4j = Class.forName("org.slf4j.LoggerFactory");
                    int size = this.names.size();
                }
                """);
        source("plugins/one/src/main/java/p/B.java", "import org.slf4j.Logger;\nclass B {}");

        assertThat(reactor().apiBeyondTheJdk()).containsExactly(
                "api/src/main/java/io/backupkit/spi/S.java:6: backup-api imports 'io.backupkit.core.BackupEngine': "
                        + "import io.backupkit.core.BackupEngine;",
                "api/src/main/java/io/backupkit/spi/S.java:9: backup-api imports 'org.slf4j': import org.slf4j.*;",
                "api/src/main/java/io/backupkit/spi/S.java:10: backup-api imports "
                        + "'com.google.common.base.Preconditions.checkArgument': "
                        + "import static com.google.common.base.Preconditions.checkArgument;",
                "api/src/main/java/io/backupkit/spi/S.java:15: backup-api names 'io.backupkit.core.internal.keys': "
                        + "Object engine = io.backupkit.core.internal.keys.RsaKeys.class;",
                "api/src/main/java/io/backupkit/spi/S.java:16: backup-api names 'org.slf4j': "
                        + "Object slf4j = Class.forName(\"org.slf4j.LoggerFactory\");");
    }

    @Test
    void reportsJdkLoggingInEveryArtifactButNotSlf4jOrComments() throws IOException {
        source("core/src/main/java/io/backupkit/core/E.java", """
                import java.util.logging.Logger;
                class E {
                    // System.Logger would be wrong here
                    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(E.class);
                }
                """);
        source("plugins/one/src/main/java/p/B.java", """
                class B {
                    private static final System.Logger LOG = System
                            .getLogger(B.class.getName());
                    void warn() {
                        LOG.log(System.Logger.Level.WARNING, "x");
                        System.setProperty("java.util.logging.config.file", "x");
                    }
                }
                """);

        assertThat(reactor().jdkLogging()).containsExactly(
                "core/src/main/java/io/backupkit/core/E.java:1: uses System.Logger or java.util.logging, not SLF4J: "
                        + "import java.util.logging.Logger;",
                "plugins/one/src/main/java/p/B.java:2: uses System.Logger or java.util.logging, not SLF4J: "
                        + "private static final System.Logger LOG = System",
                "plugins/one/src/main/java/p/B.java:5: uses System.Logger or java.util.logging, not SLF4J: "
                        + "LOG.log(System.Logger.Level.WARNING, \"x\");",
                "plugins/one/src/main/java/p/B.java:6: uses System.Logger or java.util.logging, not SLF4J: "
                        + "System.setProperty(\"java.util.logging.config.file\", \"x\");");
    }

    @Test
    void commentsAreBlankedAndLiteralsKept() {
        String source = "a /* b\n c */ d // e \"f\"\ng = \"/* h */\" + '\"' + \"\"\"\n  // i \\\"\"\" j\n  \"\"\" + k;";

        String code = SourceRules.withoutComments(source);

        assertThat(code).hasSameSizeAs(source)
                .isEqualTo("a" + " ".repeat(5) + "\n" + " ".repeat(6) + "d" + " ".repeat(9)
                        + "\ng = \"/* h */\" + '\"' + \"\"\"\n  // i \\\"\"\" j\n  \"\"\" + k;");
    }
}
