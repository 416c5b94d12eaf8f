// Where webhooks may go: the address ranges refused by default (SSRF), the configured exceptions,
// and the URL's own form.
import { describe, expect, it } from "vitest";
import { addressRefusal, checkEndpointUrl, checkUrlShape, refusedRange, UrlRefusedError, type Resolver, type UrlPolicy } from "@/lib/http/url-rules";

const strict: UrlPolicy = { httpHosts: [], allowedNetworks: [] };
const resolverOf =
  (table: Record<string, string[]>): Resolver =>
  async (host) =>
    (table[host] ?? []).map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

describe("refused address ranges", () => {
  it.each([
    ["127.0.0.1", "a loopback address"],
    ["127.255.0.9", "a loopback address"],
    ["10.1.2.3", "a private address"],
    ["172.16.0.1", "a private address"],
    ["172.31.255.255", "a private address"],
    ["192.168.0.10", "a private address"],
    ["169.254.169.254", "a cloud metadata service address"],
    ["169.254.10.10", "a link-local address"],
    ["100.100.100.200", "a cloud metadata service address"],
    ["100.64.0.1", "a carrier-grade NAT address"],
    ["0.0.0.0", "a 'this network' address"],
    ["224.0.0.1", "a multicast address"],
    ["255.255.255.255", "a reserved address"],
    ["::1", "a loopback address"],
    ["::", "the unspecified address"],
    ["fe80::1", "a link-local address"],
    ["fd00:ec2::254", "a cloud metadata service address"],
    ["fc00::5", "a private (unique local) address"],
    ["::ffff:127.0.0.1", "a loopback address"],
    ["::ffff:7f00:1", "a loopback address"],
    ["::ffff:169.254.169.254", "a cloud metadata service address"],
    ["64:ff9b::a00:1", "a private address"],
    // IPv4 inside IPv6, judged by the IPv4 address: compatible (as the URL parser writes [::127.0.0.1]), NAT64, Teredo.
    ["::127.0.0.1", "a loopback address"],
    ["::7f00:1", "a loopback address"],
    ["::a9fe:a9fe", "a cloud metadata service address"],
    ["64:ff9b::127.0.0.1", "a loopback address"],
    ["64:ff9b::c0a8:1", "a private address"],
    ["64:ff9b:1::8.8.8.8", "a local-use NAT64 address"],
    ["64:ff9b:1:2::a00:1", "a local-use NAT64 address"],
    // Teredo: server 65.54.227.120 (public), client stored inverted: 0x80fffffe → 127.0.0.1.
    ["2001:0:4136:e378:8000:63bf:80ff:fffe", "a loopback address"],
    ["2001:0:a00:1::1", "a private address"],
    ["2002:c0a8:101::1", "a 6to4 address"],
  ])("%s is %s", (address, why) => {
    expect(refusedRange(address)).toBe(why);
  });

  it.each([
    "93.184.216.34",
    "8.8.8.8",
    "172.32.0.1",
    "192.169.0.1",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
    "::808:808",
    "64:ff9b::8.8.8.8",
    "2001:0:4136:e378:8000:63bf:f7f7:f7f7",
  ])("%s is public", (address) => {
    expect(refusedRange(address)).toBeNull();
  });

  it("lets the configured networks through, and only those", () => {
    const policy = { httpHosts: [], allowedNetworks: ["10.1.2.0/24", "127.0.0.1", "fd12::/16"] };
    expect(addressRefusal("10.1.2.200", policy)).toBeNull();
    expect(addressRefusal("10.1.3.1", policy)).toBe("a private address");
    expect(addressRefusal("127.0.0.1", policy)).toBeNull();
    expect(addressRefusal("::ffff:127.0.0.1", policy)).toBeNull();
    expect(addressRefusal("::127.0.0.1", policy)).toBeNull();
    expect(addressRefusal("64:ff9b::7f00:2", policy)).toBe("a loopback address");
    expect(addressRefusal("127.0.0.2", policy)).toBe("a loopback address");
    expect(addressRefusal("fd12::9", policy)).toBeNull();
    expect(addressRefusal("169.254.169.254", policy)).toBe("a cloud metadata service address");
  });
});

describe("URL form", () => {
  const refused = (raw: string, policy = strict) => {
    try {
      checkUrlShape(raw, policy);
    } catch (error) {
      expect(error).toBeInstanceOf(UrlRefusedError);
      return (error as Error).message;
    }
    throw new Error(`${raw} was accepted`);
  };

  it("needs https unless the host is allowed plain http", () => {
    expect(refused("http://hooks.example.com/x")).toMatch(/^Use https: plain http is only allowed for the hosts in WEBHOOK_ALLOW_HTTP_HOSTS/);
    expect(checkUrlShape("http://relay.internal.example/x", { httpHosts: ["*.internal.example"], allowedNetworks: [] }).host).toBe("relay.internal.example");
    expect(refused("http://internal.example/x", { httpHosts: ["*.internal.example"], allowedNetworks: [] })).toMatch(/Use https/);
    expect(checkUrlShape("http://[::1]:8080/x", { httpHosts: ["::1"], allowedNetworks: [] }).port).toBe("8080");
    expect(checkUrlShape("https://hooks.example.com/x#frag", strict).href).toBe("https://hooks.example.com/x");
  });

  it("refuses other schemes, credentials in the URL, and nonsense", () => {
    expect(refused("ftp://hooks.example.com/x")).toMatch(/Only https URLs/);
    expect(refused("file:///etc/passwd")).toMatch(/Only https URLs/);
    expect(refused("https://user:pass@hooks.example.com/x")).toMatch(/user name or password/);
    expect(refused("not a url")).toMatch(/Not a valid URL/);
    expect(refused("https://hooks.example.com/" + "a".repeat(3000))).toMatch(/longer than 2048/);
  });
});

describe("URL check with DNS", () => {
  it("refuses literal private addresses, including their odd spellings", async () => {
    for (const raw of ["https://127.0.0.1/x", "https://2130706433/x", "https://0x7f.1/x", "https://[::ffff:127.0.0.1]/x", "https://169.254.169.254/latest/meta-data/"]) {
      await expect(checkEndpointUrl(raw, strict, resolverOf({})), raw).rejects.toThrow(UrlRefusedError);
    }
  });

  it("refuses names that resolve to refused addresses, and names that do not resolve", async () => {
    const resolver = resolverOf({ "evil.example.com": ["93.184.216.34", "10.0.0.1"], "good.example.com": ["93.184.216.34"] });
    await expect(checkEndpointUrl("https://evil.example.com/x", strict, resolver)).rejects.toThrow(/evil\.example\.com resolves to 10\.0\.0\.1, which is a private address/);
    await expect(checkEndpointUrl("https://good.example.com/x", strict, resolver)).resolves.toBeInstanceOf(URL);
    await expect(checkEndpointUrl("https://nowhere.example.com/x", strict, resolver)).rejects.toThrow(/has no addresses/);
  });
});
