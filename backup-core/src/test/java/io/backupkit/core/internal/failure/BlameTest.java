package io.backupkit.core.internal.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupkit.spi.Transport;
import io.backupkit.testkit.InMemoryTransport;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

final class BlameTest {
    private final Blame blame = new Blame(Party.TRANSPORT, "Server 'mem'", "backup@memory:22");

    @Test
    void theBlamedTransportForwardsEveryMethodOfTheSpiDefaultsIncluded() {
        Class<?> wrapper = blame.transport(new InMemoryTransport()).getClass();

        assertThat(Arrays.stream(Transport.class.getMethods()).filter(m -> !Modifier.isStatic(m.getModifiers())))
                .allSatisfy(m -> assertThat(declares(wrapper, m)).as(m.getName()).isTrue());
    }

    private static boolean declares(Class<?> type, Method method) {
        try {
            type.getDeclaredMethod(method.getName(), method.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    @Test
    void aFailureOfTheStreamIsTaggedWithItsPartyAndSaysWhere() {
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };

        assertThatThrownBy(() -> blame.input(failing).read()).isInstanceOfSatisfying(PartyFailure.class, e -> {
            assertThat(e.party()).isEqualTo(Party.TRANSPORT);
            assertThat(e.toBackupException().getMessage()).isEqualTo("Server 'mem': backup@memory:22: connection reset");
        });
    }
}
