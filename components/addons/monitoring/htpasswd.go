package monitoring

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
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
func SHA512Crypt(key, salt string) string {
	if len(salt) > 16 {
		salt = salt[:16]
	}
	k, s := []byte(key), []byte(salt)

	b := sha512.New()
	b.Write(k)
	b.Write(s)
	b.Write(k)
	sumB := b.Sum(nil)

	a := sha512.New()
	a.Write(k)
	a.Write(s)
	for n := len(k); n > 0; n -= 64 {
		a.Write(sumB[:min(n, 64)])
	}
	for n := len(k); n > 0; n >>= 1 {
		if n&1 != 0 {
			a.Write(sumB)
		} else {
			a.Write(k)
		}
	}
	sumA := a.Sum(nil)

	dp := sha512.New()
	for range k {
		dp.Write(k)
	}
	sumDP := dp.Sum(nil)
	p := make([]byte, 0, len(k))
	for n := len(k); n > 0; n -= 64 {
		p = append(p, sumDP[:min(n, 64)]...)
	}

	ds := sha512.New()
	for i := 0; i < 16+int(sumA[0]); i++ {
		ds.Write(s)
	}
	sumDS := ds.Sum(nil)
	sb := make([]byte, 0, len(s))
	for n := len(s); n > 0; n -= 64 {
		sb = append(sb, sumDS[:min(n, 64)]...)
	}

	c := sumA
	for i := 0; i < sha512Rounds; i++ {
		h := sha512.New()
		if i&1 != 0 {
			h.Write(p)
		} else {
			h.Write(c)
		}
		if i%3 != 0 {
			h.Write(sb)
		}
		if i%7 != 0 {
			h.Write(p)
		}
		if i&1 != 0 {
			h.Write(c)
		} else {
			h.Write(p)
		}
		c = h.Sum(nil)
	}

	order := [][3]int{
		{0, 21, 42}, {22, 43, 1}, {44, 2, 23}, {3, 24, 45}, {25, 46, 4}, {47, 5, 26}, {6, 27, 48},
		{28, 49, 7}, {50, 8, 29}, {9, 30, 51}, {31, 52, 10}, {53, 11, 32}, {12, 33, 54}, {34, 55, 13},
		{56, 14, 35}, {15, 36, 57}, {37, 58, 16}, {59, 17, 38}, {18, 39, 60}, {40, 61, 19}, {62, 20, 41},
	}
	out := make([]byte, 0, 86)
	enc := func(b2, b1, b0 byte, n int) {
		w := uint(b2)<<16 | uint(b1)<<8 | uint(b0)
		for ; n > 0; n-- {
			out = append(out, cryptAlphabet[w&0x3f])
			w >>= 6
		}
	}
	for _, o := range order {
		enc(c[o[0]], c[o[1]], c[o[2]], 4)
	}
	enc(0, 0, c[63], 2)
	return "$6$" + salt + "$" + string(out)
}
