/// The GraphQL documents csm sends to Linear. A fake server may dispatch on the operation name (the word
/// after `query`/`mutation`); docs/integrations.md lists them.
public enum LinearQueries {
    static let issueFields = """
        fragment IssueFields on Issue { id identifier title url description priority priorityLabel createdAt updatedAt \
        state { id name type color } team { id key name } assignee { id name displayName } \
        labels { nodes { id name color } } }
        """
    static let commentFields = """
        fragment CommentFields on Comment { id body createdAt updatedAt user { id name displayName avatarUrl } }
        """

    public static let viewer = "query Viewer { viewer { id name displayName } }"

    public static let myIssues = """
        query MyIssues($first: Int!, $after: String, $filter: IssueFilter) { viewer { \
        assignedIssues(first: $first, after: $after, filter: $filter, orderBy: updatedAt) { \
        nodes { ...IssueFields } pageInfo { hasNextPage endCursor } } } }
        """ + "\n" + issueFields

    public static let searchIssues = """
        query SearchIssues($term: String!, $first: Int!, $after: String, $filter: IssueFilter) { \
        searchIssues(term: $term, first: $first, after: $after, filter: $filter, orderBy: updatedAt) { \
        nodes { ...IssueFields } pageInfo { hasNextPage endCursor } } }
        """ + "\n" + issueFields

    public static let issue = "query Issue($id: String!) { issue(id: $id) { ...IssueFields } }\n" + issueFields

    public static let comments = """
        query IssueComments($id: String!) { issue(id: $id) { comments(first: 100) { nodes { ...CommentFields } } } }
        """ + "\n" + commentFields

    public static let workflowStates = """
        query WorkflowStates($filter: WorkflowStateFilter) { workflowStates(first: 250, filter: $filter) { \
        nodes { id name type color position team { id key name } } } }
        """

    public static let teams = """
        query Teams { teams(first: 100) { nodes { id key name labels(first: 250) { nodes { id name color } } } } }
        """

    public static let createIssue = """
        mutation CreateIssue($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { ...IssueFields } } }
        """ + "\n" + issueFields

    public static let updateIssueState = """
        mutation UpdateIssueState($id: String!, $stateId: String!) { \
        issueUpdate(id: $id, input: { stateId: $stateId }) { success issue { ...IssueFields } } }
        """ + "\n" + issueFields

    public static let createComment = """
        mutation CreateComment($issueId: String!, $body: String!) { \
        commentCreate(input: { issueId: $issueId, body: $body }) { success comment { ...CommentFields } } }
        """ + "\n" + commentFields
}
