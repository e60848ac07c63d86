package dev.nextgpt.gateway.service;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Which webhook URLs the gateway may call: http(s) only, no credentials in the URL, and a host whose every address is
 * public. Loopback and private (RFC 1918, fc00::/7) addresses are allowed only when configured; link-local, cloud
 * metadata, unspecified, multicast and broadcast addresses never. Checked at submission and again before each
 * delivery, against DNS rebinding (and redirects are never followed).
 */
public final class WebhookTargets {

    /** Why a target is refused; the message names the URL part and the address. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** The kinds of addresses, from most to least specific. */
    enum AddressKind {
        METADATA("a cloud metadata address"),
        UNSPECIFIED("an unspecified address"),
        MULTICAST("a multicast address"),
        BROADCAST("a broadcast address"),
        LINK_LOCAL("a link-local address"),
        LOOPBACK("a loopback address"),
        PRIVATE("a private address"),
        PUBLIC("a public address");

        final String description;

        AddressKind(String description) {
            this.description = description;
        }
    }

    private final boolean allowLoopback;
    private final boolean allowPrivate;
    private final Function<String, List<InetAddress>> resolver;

    public WebhookTargets(boolean allowLoopback, boolean allowPrivate) {
        this(allowLoopback, allowPrivate, WebhookTargets::resolve);
    }

    WebhookTargets(boolean allowLoopback, boolean allowPrivate, Function<String, List<InetAddress>> resolver) {
        this.allowLoopback = allowLoopback;
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    /** Checks {@code url} and resolves its host; throws {@link Refused} naming the rule it breaks. */
    public URI check(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new Refused("is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null) {
            throw new Refused("must be an absolute http or https URL");
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refused("scheme '" + uri.getScheme() + "' is not allowed (use http or https)");
        }
        if (uri.getRawUserInfo() != null) {
            throw new Refused("must not carry credentials");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new Refused("has no host");
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        List<InetAddress> addresses = resolver.apply(bare);
        if (addresses.isEmpty()) {
            throw new Refused("host '" + host + "' does not resolve");
        }
        for (InetAddress address : addresses) {
            AddressKind kind = classify(address);
            boolean allowed = kind == AddressKind.PUBLIC
                    || (kind == AddressKind.LOOPBACK && allowLoopback)
                    || (kind == AddressKind.PRIVATE && allowPrivate);
            if (!allowed) {
                throw new Refused("host '" + host + "' resolves to " + address.getHostAddress() + ", "
                        + kind.description + "; webhooks may only target public addresses");
            }
        }
        return uri;
    }

    private static List<InetAddress> resolve(String host) {
        try {
            return List.of(InetAddress.getAllByName(host));
        } catch (UnknownHostException e) {
            return List.of();
        }
    }

    /** The kind of an address (IPv4 embedded in IPv6 — mapped, compatible, NAT64, 6to4 — counts as that IPv4). */
    static AddressKind classify(InetAddress address) {
        byte[] a = address.getAddress();
        if (address instanceof Inet6Address) {
            byte[] v4 = embeddedIpv4(a);
            if (v4 != null) {
                return classifyV4(v4);
            }
            return classifyV6(a);
        }
        if (address instanceof Inet4Address) {
            return classifyV4(a);
        }
        return AddressKind.UNSPECIFIED;
    }

    private static AddressKind classifyV4(byte[] a) {
        int b0 = a[0] & 0xFF;
        int b1 = a[1] & 0xFF;
        int b2 = a[2] & 0xFF;
        int b3 = a[3] & 0xFF;
        if ((b0 == 169 && b1 == 254 && b2 == 169 && b3 == 254) || (b0 == 100 && b1 == 100 && b2 == 100 && b3 == 200)) {
            return AddressKind.METADATA;   // AWS/GCP/Azure, Alibaba
        }
        if (b0 == 0) {
            return AddressKind.UNSPECIFIED;   // 0.0.0.0/8, "this network"
        }
        if (b0 >= 224 && b0 <= 239) {
            return AddressKind.MULTICAST;
        }
        if (b0 == 255 && b1 == 255 && b2 == 255 && b3 == 255) {
            return AddressKind.BROADCAST;
        }
        if (b0 >= 240) {
            return AddressKind.UNSPECIFIED;   // 240/4, reserved
        }
        if (b0 == 169 && b1 == 254) {
            return AddressKind.LINK_LOCAL;
        }
        if (b0 == 127) {
            return AddressKind.LOOPBACK;
        }
        if (b0 == 10 || (b0 == 172 && b1 >= 16 && b1 <= 31) || (b0 == 192 && b1 == 168)
                || (b0 == 100 && b1 >= 64 && b1 <= 127)   // carrier-grade NAT
                || (b0 == 198 && (b1 == 18 || b1 == 19))   // benchmarking
                || (b0 == 192 && b1 == 0 && b2 == 0)) {     // IETF protocol assignments
            return AddressKind.PRIVATE;
        }
        return AddressKind.PUBLIC;
    }

    private static AddressKind classifyV6(byte[] a) {
        boolean zeroHigh = true;
        for (int i = 0; i < 15; i++) {
            zeroHigh &= a[i] == 0;
        }
        if (zeroHigh && a[15] == 0) {
            return AddressKind.UNSPECIFIED;
        }
        if (zeroHigh && a[15] == 1) {
            return AddressKind.LOOPBACK;
        }
        int b0 = a[0] & 0xFF;
        int b1 = a[1] & 0xFF;
        if (b0 == 0xFD && b1 == 0x00 && (a[2] & 0xFF) == 0x0E && (a[3] & 0xFF) == 0xC2 && isEc2Metadata(a)) {
            return AddressKind.METADATA;   // fd00:ec2::254
        }
        if (b0 == 0xFF) {
            return AddressKind.MULTICAST;
        }
        if (b0 == 0xFE && (b1 & 0xC0) == 0x80) {
            return AddressKind.LINK_LOCAL;   // fe80::/10
        }
        if (b0 == 0xFE && (b1 & 0xC0) == 0xC0) {
            return AddressKind.PRIVATE;   // fec0::/10, deprecated site-local
        }
        if ((b0 & 0xFE) == 0xFC) {
            return AddressKind.PRIVATE;   // fc00::/7, unique local
        }
        if (b0 == 0x20 && b1 == 0x01 && a[2] == 0x0D && (a[3] & 0xFF) == 0xB8) {
            return AddressKind.PRIVATE;   // 2001:db8::/32, documentation
        }
        return AddressKind.PUBLIC;
    }

    private static boolean isEc2Metadata(byte[] a) {
        for (int i = 4; i < 14; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[14] == 0x02 && (a[15] & 0xFF) == 0x54;
    }

    /** The IPv4 address inside ::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d or 2002:a.b.c.d::/48; null if none. */
    private static byte[] embeddedIpv4(byte[] a) {
        boolean first10Zero = true;
        for (int i = 0; i < 10; i++) {
            first10Zero &= a[i] == 0;
        }
        if (first10Zero && (a[10] & 0xFF) == 0xFF && (a[11] & 0xFF) == 0xFF) {
            return new byte[] {a[12], a[13], a[14], a[15]};
        }
        if (first10Zero && a[10] == 0 && a[11] == 0 && !(a[12] == 0 && a[13] == 0 && a[14] == 0)) {
            return new byte[] {a[12], a[13], a[14], a[15]};   // IPv4-compatible (deprecated)
        }
        if (a[0] == 0 && a[1] == 0x64 && (a[2] & 0xFF) == 0xFF && (a[3] & 0xFF) == 0x9B) {
            boolean zero = true;
            for (int i = 4; i < 12; i++) {
                zero &= a[i] == 0;
            }
            if (zero) {
                return new byte[] {a[12], a[13], a[14], a[15]};   // NAT64 well-known prefix
            }
        }
        if (a[0] == 0x20 && a[1] == 0x02) {
            return new byte[] {a[2], a[3], a[4], a[5]};   // 6to4
        }
        return null;
    }
}
