package dev.nextgpt.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nextgpt.gateway.config.GatewayConfig;
import io.smallrye.config.WithDefault;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The production rule for webhook targets (loopback refused), without DNS: host names resolve from a table. */
class WebhookTargetsTest {
    private static final Map<String, String> DNS = Map.of(
            "hooks.example.com", "93.184.216.34",
            "localhost", "127.0.0.1",
            "rebind.example.com", "10.1.2.3",
            "metadata.google.internal", "169.254.169.254");

    private static WebhookTargets production() {
        return new WebhookTargets(false, false, WebhookTargetsTest::resolve);
    }

    private static List<InetAddress> resolve(String host) {
        try {
            String ip = DNS.get(host);
            return ip != null ? List.of(InetAddress.getByName(ip))
                    : host.matches("[0-9a-fA-F.:]+") ? List.of(InetAddress.getByName(host)) : List.of();
        } catch (UnknownHostException e) {
            return List.of();
        }
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
        "http://169.254.169.254/latest/meta-data | host '169.254.169.254' resolves to 169.254.169.254, a cloud metadata address",
        "http://metadata.google.internal/x | resolves to 169.254.169.254, a cloud metadata address",
        "http://[fd00:ec2::254]/x | a cloud metadata address",
        "https://10.0.0.1/hook | host '10.0.0.1' resolves to 10.0.0.1, a private address",
        "https://172.16.5.4/hook | a private address",
        "https://192.168.1.10/hook | a private address",
        "https://[fc00::1]/hook | a private address",
        "https://100.64.0.1/hook | a private address",
        "http://[::1]/hook | host '[::1]' resolves to 0:0:0:0:0:0:0:1, a loopback address",
        "http://127.0.0.1:8080/hook | a loopback address",
        "http://localhost/hook | host 'localhost' resolves to 127.0.0.1, a loopback address",
        "http://[::ffff:10.0.0.1]/hook | a private address",
        "http://[64:ff9b::a9fe:a9fe]/hook | a cloud metadata address",
        "http://169.254.10.10/hook | a link-local address",
        "http://[fe80::1]/hook | a link-local address",
        "http://0.0.0.0/hook | an unspecified address",
        "http://[::]/hook | an unspecified address",
        "http://224.0.0.1/hook | a multicast address",
        "http://255.255.255.255/hook | a broadcast address",
        "http://rebind.example.com/hook | host 'rebind.example.com' resolves to 10.1.2.3, a private address",
        "ftp://hooks.example.com/x | scheme 'ftp' is not allowed (use http or https)",
        "file:///etc/passwd | scheme 'file' is not allowed (use http or https)",
        "gopher://hooks.example.com/x | scheme 'gopher' is not allowed",
        "https://user:pw@hooks.example.com/x | must not carry credentials",
        "/relative/path | must be an absolute http or https URL",
        "https://no-such-host.invalid/x | host 'no-such-host.invalid' does not resolve",
        "http://exa mple.com/ | is not a URL"})
    void productionRefuses(String url, String message) {
        var e = assertThrows(WebhookTargets.Refused.class, () -> production().check(url));
        assertEquals(true, e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void publicTargetsPassAndLoopbackOnlyWhenAllowed() {
        assertEquals("hooks.example.com", production().check("https://hooks.example.com/x?y=1").getHost());
        assertEquals("93.184.216.34", production().check("http://93.184.216.34:8443/x").getHost());
        WebhookTargets local = new WebhookTargets(true, false, WebhookTargetsTest::resolve);
        local.check("http://127.0.0.1:9999/hook");
        local.check("http://[::1]:9999/hook");
        local.check("http://localhost/hook");
        assertThrows(WebhookTargets.Refused.class, () -> local.check("http://10.0.0.1/hook"),
                "the local profile allows loopback only");
        assertThrows(WebhookTargets.Refused.class, () -> local.check("http://169.254.169.254/"));
        new WebhookTargets(false, true, WebhookTargetsTest::resolve).check("http://10.0.0.1/hook");
    }

    @Test
    void productionProfileRefusesLoopbackAndDevAndTestAllowIt() throws Exception {
        String properties = Files.readString(Path.of("src/main/resources/application.properties"));
        assertEquals(true, properties.contains("%prod.nextgpt.gateway.webhooks.allow-loopback=false"));
        assertEquals(true, properties.contains("%dev.nextgpt.gateway.webhooks.allow-loopback=true"));
        assertEquals(true, properties.contains("%test.nextgpt.gateway.webhooks.allow-loopback=true"));
        assertEquals("false", GatewayConfig.Webhooks.class.getMethod("allowLoopback")
                .getAnnotation(WithDefault.class).value());
    }
}
