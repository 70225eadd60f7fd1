"""Small tools the whole tree shares: a bounded memo and a single flight. Like model/, this
package imports nothing of ours, so any layer may use it."""
