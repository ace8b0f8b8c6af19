// Package tests holds whole-stack tests: they load the repository's real
// Pulumi.<stack>.yaml files and run the real program under Pulumi's mock monitor.
package tests
