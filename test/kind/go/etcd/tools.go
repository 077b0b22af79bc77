//go:build tools

// Package tools pins the etcd server the kind node image is built from.
package tools

import _ "go.etcd.io/etcd/server/v3"
