// Package dataaccess dials the dataaccess gRPC service the way its operators recommend:
// with the repository's service config (UNAVAILABLE retried on idempotent methods only),
// a bearer credential on every call and/or mutual TLS.
//
// The stubs generated from proto/ are in the package
// github.com/dataaccess/dataaccess/clients/go/dataaccess/v1.
package dataaccess

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	_ "embed"
	"errors"
	"fmt"
	"os"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
)

// serviceConfig is a copy of clients/service_config.json that `scripts/proto.sh generate`
// writes next to this file and `scripts/proto.sh check` compares, so it cannot drift.
//
//go:embed service_config.json
var serviceConfig string

// ServiceConfig returns the recommended gRPC service config (JSON) that Dial applies.
func ServiceConfig() string { return serviceConfig }

// Options says how to reach and authenticate to the server. The zero value dials in
// plaintext without a credential, as a server with DATAACCESS_AUTH=none accepts.
type Options struct {
	// BearerToken, if set, is sent as "authorization: Bearer <token>" on every call.
	BearerToken string
	// CAFile is a PEM file of the CAs that sign the server's certificate. Setting it (or
	// TLS) switches to TLS; without it TLS trusts the system roots.
	CAFile string
	// CertFile and KeyFile are the client certificate and key (PEM) for mutual TLS. They
	// go together, and imply TLS.
	CertFile, KeyFile string
	// ServerName overrides the name checked in the server's certificate (default: the
	// target's host).
	ServerName string
	// TLS uses TLS even without CAFile or a client certificate.
	TLS bool
}

func (o Options) usesTLS() bool {
	return o.TLS || o.CAFile != "" || o.CertFile != "" || o.KeyFile != ""
}

// Dial returns a client connection to target ("host:port"). Like grpc.NewClient it does
// not connect yet: the first call does, and reports an unreachable server as
// UNAVAILABLE. It fails only on bad Options (unreadable or mismatched PEM files).
// Close the connection when done.
func Dial(target string, options Options, extra ...grpc.DialOption) (*grpc.ClientConn, error) {
	transport := insecure.NewCredentials()
	if options.usesTLS() {
		config, err := options.tlsConfig()
		if err != nil {
			return nil, err
		}
		transport = credentials.NewTLS(config)
	}
	dialOptions := []grpc.DialOption{
		grpc.WithTransportCredentials(transport),
		grpc.WithDefaultServiceConfig(serviceConfig),
	}
	if options.BearerToken != "" {
		dialOptions = append(dialOptions, grpc.WithPerRPCCredentials(bearer(options.BearerToken)))
	}
	return grpc.NewClient(target, append(dialOptions, extra...)...)
}

func (o Options) tlsConfig() (*tls.Config, error) {
	config := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: o.ServerName}
	if o.CAFile != "" {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, fmt.Errorf("dataaccess: CA file: %w", err)
		}
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("dataaccess: CA file %s: no PEM certificate in it", o.CAFile)
		}
		config.RootCAs = roots
	}
	if (o.CertFile == "") != (o.KeyFile == "") {
		return nil, errors.New("dataaccess: a client certificate needs both CertFile and KeyFile")
	}
	if o.CertFile != "" {
		pair, err := tls.LoadX509KeyPair(o.CertFile, o.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("dataaccess: client certificate: %w", err)
		}
		config.Certificates = []tls.Certificate{pair}
	}
	return config, nil
}

// bearer sends a bearer credential on every call. Unlike grpc's oauth credentials it
// does not refuse a plaintext connection: a server on loopback or inside a service mesh
// may take credentials without TLS (the server itself warns when that is beyond loopback).
type bearer string

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(b)}, nil
}

func (bearer) RequireTransportSecurity() bool { return false }
