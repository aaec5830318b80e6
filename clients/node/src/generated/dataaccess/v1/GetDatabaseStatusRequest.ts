// Original file: dataaccess/v1/operations.proto


export interface GetDatabaseStatusRequest {
}

export interface GetDatabaseStatusRequest__Output {
}
