package dev.nextgpt.contracts;

/** A message, header, key or tensor payload that breaks the contract; the message names the field and the rule. */
public class ContractViolation extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ContractViolation(String message) {
    super(message);
  }

  public ContractViolation(String message, Throwable cause) {
    super(message, cause);
  }
}
