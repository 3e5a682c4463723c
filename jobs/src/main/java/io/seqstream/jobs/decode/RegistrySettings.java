package io.seqstream.jobs.decode;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach a Confluent-compatible schema registry: base URL, optional HTTP basic auth ({@code user:password},
 * as Confluent's {@code basic.auth.user.info}), optional TLS truststore (for a registry with a private CA), timeout.
 */
public record RegistrySettings(String url, String basicAuthUserInfo, String truststoreLocation, String truststorePassword,
        String truststoreType, Duration timeout) implements Serializable {

    public RegistrySettings {
        Objects.requireNonNull(url, "url");
        url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        basicAuthUserInfo = basicAuthUserInfo == null ? "" : basicAuthUserInfo;
        truststoreLocation = truststoreLocation == null ? "" : truststoreLocation;
        truststorePassword = truststorePassword == null ? "" : truststorePassword;
        truststoreType = truststoreType == null || truststoreType.isEmpty() ? "PKCS12" : truststoreType;
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
    }

    public static RegistrySettings of(String url) {
        return new RegistrySettings(url, "", "", "", "PKCS12", Duration.ofSeconds(10));
    }

    public Optional<String> basicAuth() {
        return basicAuthUserInfo.isEmpty() ? Optional.empty() : Optional.of(basicAuthUserInfo);
    }

    public Optional<String> truststore() {
        return truststoreLocation.isEmpty() ? Optional.empty() : Optional.of(truststoreLocation);
    }

    @Override
    public String toString() { // never the credentials
        return "RegistrySettings{" + url + (basicAuthUserInfo.isEmpty() ? "" : ", basic auth") + (truststoreLocation.isEmpty()
                ? ""
                : ", truststore " + truststoreLocation) + "}";
    }
}
