//! Mutual TLS between venue devices. Each device has its own self-signed certificate; what makes a peer
//! trusted is its certificate's fingerprint on the replicated allow-list, not a certificate authority.
//!
//! TLS 1.3 only. The listening side asks every client for a certificate and checks the handshake
//! signature, then decides after the handshake whether the fingerprint is allowed (or whether the client
//! is joining with a code). The connecting side accepts only a server whose fingerprint it trusts.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{
    ClientConfig, DigitallySignedStruct, DistinguishedName, Error as TlsError, ServerConfig, SignatureScheme,
};
use sha2::{Digest, Sha256};
use sprintdesk_store::Identity;
use std::sync::Arc;

/// The name a client asks for; certificates are checked by fingerprint, so it carries no meaning.
pub const SERVER_NAME: &str = "sprintdesk.invalid";

#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    #[error("could not make this device's key pair: {0}")]
    KeyGeneration(String),
    #[error("this device's stored key pair is unusable: {0}")]
    BadIdentity(String),
}

/// A new key pair and self-signed certificate for a device. The certificate names no device or venue:
/// an unpaired machine that connects learns nothing from it.
pub fn new_identity() -> Result<Identity, TlsSetupError> {
    let certified = rcgen::generate_simple_self_signed(vec!["sprintdesk".to_owned()])
        .map_err(|e| TlsSetupError::KeyGeneration(e.to_string()))?;
    Ok(Identity { cert_der: certified.cert.der().to_vec(), key_der: certified.signing_key.serialize_der() })
}

/// The SHA-256 of a DER certificate, hex: what the allow-list records.
pub fn fingerprint(cert_der: &[u8]) -> String {
    Sha256::digest(cert_der).iter().map(|b| format!("{b:02x}")).collect()
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn credentials(identity: &Identity) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
    (
        vec![CertificateDer::from(identity.cert_der.clone())],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(identity.key_der.clone())),
    )
}

/// The listening side: requires a client certificate, proves possession of it, admits by fingerprint later.
pub fn server_config(identity: &Identity) -> Result<Arc<ServerConfig>, TlsSetupError> {
    let provider = provider();
    let verifier = Arc::new(AnyClient { algorithms: provider.signature_verification_algorithms });
    let (certs, key) = credentials(identity);
    let config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(|e| TlsSetupError::BadIdentity(e.to_string()))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(certs, key)
        .map_err(|e| TlsSetupError::BadIdentity(e.to_string()))?;
    Ok(Arc::new(config))
}

/// Which servers a connecting device accepts.
pub type TrustServer = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// The connecting side: presents this device's certificate and accepts a server whose fingerprint
/// `trust` accepts. (Joining accepts any server and checks it through the join code instead.)
pub fn client_config(identity: &Identity, trust: TrustServer) -> Result<Arc<ClientConfig>, TlsSetupError> {
    let provider = provider();
    let verifier = Arc::new(TrustedServer { algorithms: provider.signature_verification_algorithms, trust });
    let (certs, key) = credentials(identity);
    let config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(|e| TlsSetupError::BadIdentity(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_client_auth_cert(certs, key)
        .map_err(|e| TlsSetupError::BadIdentity(e.to_string()))?;
    Ok(Arc::new(config))
}

pub fn server_name() -> ServerName<'static> {
    ServerName::try_from(SERVER_NAME).expect("a valid DNS name")
}

/// The fingerprint of the certificate the other side presented.
pub fn peer_fingerprint(state: &rustls::CommonState) -> Option<String> {
    state.peer_certificates().and_then(|certs| certs.first()).map(|cert| fingerprint(cert))
}

#[derive(Debug)]
struct AnyClient {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for AnyClient {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, TlsError> {
        // Admission is by fingerprint, after the handshake: see `session`.
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        Err(TlsError::General("TLS 1.2 is not accepted".into()))
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

struct TrustedServer {
    algorithms: WebPkiSupportedAlgorithms,
    trust: TrustServer,
}

impl std::fmt::Debug for TrustedServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustedServer").finish_non_exhaustive()
    }
}

impl ServerCertVerifier for TrustedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        if (self.trust)(&fingerprint(end_entity)) {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(TlsError::General("this device is not on the venue's allow-list".into()))
        }
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        Err(TlsError::General("TLS 1.2 is not accepted".into()))
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}
