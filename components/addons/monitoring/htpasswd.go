package monitoring

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"

	xcrypt "github.com/go-crypt/x/crypt"
)

// sha512Rounds is the SHA-crypt default (no rounds= prefix in the hash).
const sha512Rounds = 5000

const cryptAlphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// HtpasswdLine is an htpasswd entry with a SHA-512 crypt ($6$) hash, which nginx's
// auth_basic verifies through crypt(3). The salt is derived from the password and a
// context (the cluster name) with HMAC, so the line is the same on every run (no
// perpetual diff) and changes when the password does.
func HtpasswdLine(user, password, context string) string {
	mac := hmac.New(sha256.New, []byte(password))
	mac.Write([]byte("fleetform-htpasswd/" + context + "/" + user))
	sum := mac.Sum(nil)
	salt := make([]byte, 16)
	for i := range salt {
		salt[i] = cryptAlphabet[int(sum[i])%len(cryptAlphabet)]
	}
	return user + ":" + SHA512Crypt(password, string(salt))
}

// SHA512Crypt computes the SHA-crypt hash of key with the given salt (at most 16
// characters are used) and the default 5000 rounds, as glibc and musl crypt(3) do.
// The hash is github.com/go-crypt/x's KeySHACrypt; this only frames it as $6$salt$hash.
func SHA512Crypt(key, salt string) string {
	if len(salt) > 16 {
		salt = salt[:16]
	}
	return "$6$" + salt + "$" + string(xcrypt.KeySHACrypt(sha512.New, []byte(key), []byte(salt), sha512Rounds))
}
